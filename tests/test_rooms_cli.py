"""``controlroom rooms``: a bad or missing room list is one clear line (exit 2), never a Qt trace."""
from __future__ import annotations

from tests.test_cli import cr

OFFSCREEN = {"QT_QPA_PLATFORM": "offscreen"}


def test_missing_room_list_is_one_line(tmp_path):
    r = cr("rooms", "--rooms", str(tmp_path / "nope.toml"), env=OFFSCREEN)
    assert r.returncode == 2 and r.stderr.strip() == f"controlroom rooms: {tmp_path / 'nope.toml'}: no such room list"


def test_a_mistake_names_the_room_and_the_field(tmp_path):
    f = tmp_path / "rooms.toml"
    f.write_text("[[room]]\nname = 'a'\nstate = 'tcp://h:1'\ninsecure = true\n\n[[room]]\nname = 'b'\n"
                 "state = 'tcp://h:70000'\ninsecure = true\n", encoding="utf-8")
    r = cr("rooms", "--rooms", str(f), env=OFFSCREEN)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "room 2 ('b'): state: port 70000 is outside 1–65535" in r.stderr


def test_empty_default_list_says_where_it_looks(tmp_path):
    r = cr("rooms", env={**OFFSCREEN, "CONTROLROOM_ROOMS": str(tmp_path / "rooms.toml")})
    assert r.returncode == 2 and f"no rooms in {tmp_path / 'rooms.toml'}" in r.stderr and "deploy.md" in r.stderr


def test_no_display_says_so(tmp_path):
    r = cr("rooms", "--rooms", str(tmp_path / "x.toml"))
    assert r.returncode == 2 and "no display" in r.stderr and "Traceback" not in r.stderr
