"""Key files: generation, the demo keys made on first start, and `controlroom keys`."""
from __future__ import annotations

import os
import stat
import sys
import threading

import pytest
import zmq

from controlroom.commands import CommandClient
from controlroom.security.keys import (
    ClientCurve,
    ServerCurve,
    curves_from_dir,
    default_keys_dir,
    demo_key_paths,
    ensure_demo_keys,
    generate_keys,
    keys_main,
    load_public,
)
from controlroom.simulate.harness import ShopThread, drive
from controlroom.simulate.model import ShopModel


def test_generate_keys_makes_a_private_pair(tmp_path):
    pub, sec = generate_keys(tmp_path / "k", "desk1")
    assert pub.name == "desk1.key" and sec.name == "desk1.key_secret"
    assert len(load_public(pub)) == 40 and load_public(pub) == load_public(sec)
    assert "secret-key" not in pub.read_text() and "secret-key" in sec.read_text()
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(sec).st_mode) == 0o600
    with pytest.raises(FileExistsError):
        generate_keys(tmp_path / "k", "desk1")
    with pytest.raises(ValueError):
        generate_keys(tmp_path / "k", "../evil")


def test_wrong_files_give_clear_errors(tmp_path):
    pub, sec = generate_keys(tmp_path, "a")
    with pytest.raises(ValueError, match="no secret key"):
        ClientCurve(pub, pub)  # public file where the secret one belongs
    with pytest.raises(FileNotFoundError):
        ClientCurve(tmp_path / "missing.key_secret", pub)
    with pytest.raises(FileNotFoundError, match="authorised clients folder"):
        ServerCurve(sec, tmp_path / "no-such-dir")


def test_demo_keys_are_made_once_and_work(tmp_path):
    base = tmp_path / "cfg" / "controlroom" / "keys"
    server, client = ensure_demo_keys(base)
    paths = demo_key_paths(base)
    assert all(p.exists() for p in paths.values())
    assert client.public_text in server.authorized_keys()
    server2, client2 = ensure_demo_keys(base)  # second start: the same keys
    assert (server2.public_text, client2.public_text) == (server.public_text, client.public_text)
    assert client.server_key == server.public_key
    server2.close()
    ctx = zmq.Context()
    try:
        shop = ShopThread(ShopModel("flash-sale", seed=1), context=ctx, curve=server).start()
        cc = CommandClient(shop.requests_endpoint, context=ctx, curve=client)
        rec = cc.submit("freeze", "FS01")
        assert drive(cc, lambda: rec.done)
        assert rec.state == "acked"
        assert shop.call(lambda s: s.command_log[-1]["key"]) == client.public_text
        cc.close()
        shop.stop()
    finally:
        server.close()
        ctx.destroy(0)


def test_demo_keys_agree_when_two_processes_start_together(tmp_path):
    base = tmp_path / "keys"
    results, errors = [], []

    def start():
        try:
            s, c = ensure_demo_keys(base)
            results.append((s.public_text, c.public_text))
            s.close()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors and len(results) == 6 and len(set(results)) == 1
    assert [p.name for p in base.parent.iterdir()] == ["keys"]  # no temporary folders left behind


def test_incomplete_demo_folder_is_reported(tmp_path):
    base = tmp_path / "keys"
    s, _ = ensure_demo_keys(base)
    s.close()
    demo_key_paths(base)["client_secret"].unlink()
    with pytest.raises(FileNotFoundError, match="delete the folder"):
        ensure_demo_keys(base)


def test_default_dir_follows_xdg(monkeypatch, tmp_path):
    if sys.platform in ("win32", "darwin"):
        pytest.skip("XDG applies on Linux and other Unix desktops")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_keys_dir() == tmp_path / "controlroom" / "keys"


def test_keys_cli(tmp_path, capsys):
    assert keys_main(["generate", str(tmp_path / "desk"), "--name", "desk7"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "desk" / "desk7.key") in out and "authorised clients folder" in out
    key = load_public(tmp_path / "desk" / "desk7.key").decode()
    assert key in out
    assert keys_main(["show", str(tmp_path / "desk" / "desk7.key_secret")]) == 0
    assert capsys.readouterr().out.strip() == key
    assert keys_main(["generate", str(tmp_path / "desk"), "--name", "desk7"]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err
    assert keys_main(["show", str(tmp_path / "nope.key")]) == 1
    assert keys_main(["generate", str(tmp_path / "d2")]) == 0
    assert (tmp_path / "d2" / "controlroom.key_secret").exists()


def test_curves_from_dir_loads_shop_desk_and_demo_folders(tmp_path):
    demo = tmp_path / "demo"
    s0, c0 = ensure_demo_keys(demo)
    s0.close()
    server, client = curves_from_dir(demo)
    assert server.public_text == c0.server_key.decode() and client.public_text == c0.public_text
    server.close()
    # A desk's folder: its own pair and the shop's public key only.
    desk = tmp_path / "desk"
    generate_keys(desk / "client", "desk-mia")
    (desk / "server").mkdir()
    (desk / "server" / "shop.key").write_bytes(demo_key_paths(demo)["server_public"].read_bytes())
    server, client = curves_from_dir(desk)
    assert server is None and client.server_key == c0.server_key
    # A shop's folder: its pair and the authorised folder.
    shop = tmp_path / "shop"
    generate_keys(shop / "server", "shop")
    (shop / "authorized_clients").mkdir()
    server, client = curves_from_dir(shop)
    assert client is None and server is not None
    server.close()
    with pytest.raises(FileNotFoundError):
        curves_from_dir(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="layout"):
        curves_from_dir(tmp_path / "empty")
    generate_keys(desk / "client", "second")
    with pytest.raises(ValueError, match="exactly one"):
        curves_from_dir(desk)
