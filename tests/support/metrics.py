"""GET /metrics as Prometheus reads it: every sample, by name and labels."""
import requests
from prometheus_client.parser import text_string_to_metric_families


def scrape(port):
    """{(sample name, frozenset of label pairs): value} of one process's /metrics."""
    answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
    answer.raise_for_status()
    return samples(answer.text)


def samples(text):
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(scraped, name, **labels):
    """One sample's value; 0 when the process has not got it (a counter not yet counted)."""
    return scraped.get((name, frozenset(labels.items())), 0)


def total(scraped, name, **labels):
    """The sum of every sample of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(found for (sample, given), found in scraped.items()
               if sample == name and wanted <= given)
