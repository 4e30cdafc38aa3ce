"""No input makes matching answer 5xx: odd ids in paths, odd text in bodies, on both databases."""
import json

from tests.support.integration.matching import COORDINATOR, register, supporter_body

ODD_IDS = ["%00", "x%00y", "%ED%A0%80", "%FF", "x" * 5000, "..%2F..%2Fetc%2Fpasswd",
           "%F0%9F%99%82", "a%20b"]
ODD_TEXT = ["nul \u0000 inside", "\ud800 lone surrogate", "🙂 " * 50, "\u202e rtl"]


def raw(api, method, path, body):
    return api.call(method, path, COORDINATOR, headers={"Content-Type": "application/json"},
                    data=json.dumps(body).encode("utf-8", "surrogatepass"))


def test_no_input_gives_a_5xx(matching, api, referral_owners):
    supporter_id = register(api)
    answers = {}
    for odd in ODD_IDS:
        answers[f"GET supporter {odd[:20]}"] = api.get(f"/supporters/{odd}", COORDINATOR)
        answers[f"PATCH supporter {odd[:20]}"] = api.call(
            "PATCH", f"/supporters/{odd}", COORDINATOR, json={"capacity": 2})
        answers[f"GET proposal {odd[:20]}"] = api.get(f"/proposals/{odd}", COORDINATOR)
        answers[f"POST response {odd[:20]}"] = api.post(
            f"/proposals/{odd}/responses", COORDINATOR,
            json={"party": "family", "accept": True})
    for text in ODD_TEXT:
        answers[f"intake {text[:10]!r}"] = raw(api, "POST", "/intakes", {
            "referral_id": text, "fits": True, "severity": "low", "reason": text})
        answers[f"register {text[:10]!r}"] = raw(api, "POST", "/supporters", supporter_body(
            text, municipalities=[text], expertise=[text]))
        answers[f"update {text[:10]!r}"] = raw(api, "PATCH", f"/supporters/{supporter_id}",
                                               {"name": text})
    failures = [f"{name}: {answer.status_code} {answer.text[:80]}"
                for name, answer in answers.items() if answer.status_code >= 500]
    assert not failures, "\n".join(failures)
