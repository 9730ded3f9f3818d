"""One adapter per platform feed, all on :mod:`adapters.base`; ``ADAPTERS`` maps a config's adapter name to it."""

from __future__ import annotations

from .base import Adapter, FeedError
from .bukalapak import BukalapakAdapter
from .maubelajarapa import MauBelajarApaAdapter
from .pijarmahir import PijarMahirAdapter
from .pintaria import PintariaAdapter
from .sekolahmu import SekolahmuAdapter
from .sisnaker import SisnakerAdapter
from .skillacademy import SkillAcademyAdapter
from .standard import StandardAdapter
from .tokopedia import TokopediaAdapter

# Keyed by platform slug (a platform's adapter defaults to its slug); "standard" serves every later partner.
ADAPTERS: dict[str, type[Adapter]] = {
    "tokopedia": TokopediaAdapter,
    "skillacademy": SkillAcademyAdapter,
    "bukalapak": BukalapakAdapter,
    "pintaria": PintariaAdapter,
    "sekolahmu": SekolahmuAdapter,
    "maubelajarapa": MauBelajarApaAdapter,
    "pijarmahir": PijarMahirAdapter,
    "sisnaker": SisnakerAdapter,
    "standard": StandardAdapter,
}

__all__ = ["ADAPTERS", "Adapter", "FeedError"]
