"""The simulated platform feeds, one renderer per platform (platforms.md §1–9), in port order."""

from __future__ import annotations

from .base import Feed
from .bukalapak import BukalapakFeed
from .maubelajarapa import MauBelajarApaFeed
from .pijarmahir import PijarMahirFeed
from .pintaria import PintariaFeed
from .sekolahmu import SekolahmuFeed
from .sisnaker import SisnakerFeed
from .skillacademy import SkillAcademyFeed
from .standard import StandardFeed
from .tokopedia import TokopediaFeed

FEEDS: tuple[type[Feed], ...] = (
    TokopediaFeed,
    SkillAcademyFeed,
    MauBelajarApaFeed,
    BukalapakFeed,
    PintariaFeed,
    SekolahmuFeed,
    SisnakerFeed,
    PijarMahirFeed,
    StandardFeed,
)

__all__ = ["FEEDS", "Feed"]
