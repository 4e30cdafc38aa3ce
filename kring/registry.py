"""Which services exist and where their nameko classes live (imported only when run)."""
import importlib

SERVICE_CLASSES = {
    "referral": "services.referral.service:ReferralService",
    "matching": "services.matching.service:MatchingService",
    "casework": "services.casework.service:CaseworkService",
    "aftercare": "services.aftercare.service:AftercareService",
    "notify": "services.notify.service:NotifyService",
    "portal": "services.portal.service:PortalService",
}


def load_service(name):
    module, _, cls = SERVICE_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), cls)
