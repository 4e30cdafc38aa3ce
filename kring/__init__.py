"""Kring: closed-loop referrals for Dutch family-support programmes (shared package)."""
import warnings

# eventlet announces its maintenance mode on import; we know (README.md, "The stack and its
# pins"), operators need not.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
