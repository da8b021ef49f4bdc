"""``controlroom notify test TARGET`` and ``notify list`` against robots on loopback."""
from __future__ import annotations

import subprocess
import sys

from tests.notify_gateway import Gateway


def run(*args):
    return subprocess.run([sys.executable, "-m", "controlroom.cli", "notify", *args], capture_output=True, text=True,
                          timeout=60)


def test_notify_test_posts_one_test_message_and_reports_the_answer(tmp_path):
    ok = Gateway()
    bad = Gateway(default=(200, '{"errcode":310000,"errmsg":"keywords not in content"}'.encode(), {}))
    try:
        cfg = tmp_path / "show.toml"
        cfg.write_text(f'[[notify.webhooks]]\nname = "team"\nformat = "dingtalk"\nurl = "{ok.url}"\nkeyword = "库存"\n'
                       f'secret = "SECabc"\n'
                       f'[[notify.webhooks]]\nname = "lead"\nformat = "dingtalk"\nurl = "{bad.url}"\n'
                       f'oncall_only = true\n')
        r = run("test", "team", "--config", str(cfg))
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("team (dingtalk, http://127.0.0.1:") and r.stdout.rstrip().endswith("accepted")
        assert "access_token=tok" not in r.stdout  # the URL's token is masked
        (body,) = ok.bodies()
        assert "【库存】" in body["markdown"]["text"] and "测试消息 test message" in body["markdown"]["title"]
        assert "sign" in ok.received[0]["query"]
        r = run("test", "lead", "--config", str(cfg))
        assert r.returncode == 1
        assert "configuration error (fix the settings): errcode 310000: keywords not in content" in r.stdout
        r = run("test", "nobody", "--config", str(cfg))
        assert r.returncode == 2 and "known: team, lead" in r.stderr
        r = run("list", "--config", str(cfg))
        lines = r.stdout.splitlines()
        assert r.returncode == 0 and [ln.split("\t")[0] for ln in lines] == ["team", "lead"]
        assert "on-call only" in lines[1] and "SECabc" not in r.stdout
    finally:
        ok.close()
        bad.close()
