"""`neurx.tuners` across processes: `search(workers=2)`, two worker processes sharing one study
on a real PostgreSQL server, a killed worker's trial resumed from its checkpoint, and a
database that cannot be reached."""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap

import pytest
from tuner_models import build_regressor, regression_data

from neurx.tuners import RandomSearch

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(TESTS_DIR)


def run_python(code: str, timeout: int = 300) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([TESTS_DIR, REPO_DIR]))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen, timeout: int = 300) -> str:
    out, _ = process.communicate(timeout=timeout)
    return out


def test_two_local_workers_share_the_trials(tmp_path):
    x, y, xv, yv = regression_data()
    tuner = RandomSearch(build_regressor, objective="val_loss", max_trials=4, seed=0,
                         directory=str(tmp_path), project_name="parallel")
    tuner.search(x, y, epochs=1, validation_data=(xv, yv), verbose=0, workers=2)
    # Two workers that ask at the same moment may both get a trial past the budget: the later
    # one is told FAIL as surplus, unrun, and no result lists it.
    trials = [t for t in tuner.study.get_trials() if not t.user_attrs.get("neurx_surplus")]
    assert [t.state.name for t in trials] == ["COMPLETE"] * 4  # exactly max_trials
    owners = {t.user_attrs["neurx_tuner_id"] for t in trials}  # "worker-<index>-<pid>"
    assert all(o.startswith("worker-") and int(o.rsplit("-", 1)[1]) != os.getpid()
               for o in owners)  # every trial ran in a worker process
    assert len({t.number for t in trials}) == 4
    assert len(tuner.get_best_models(1)) == 1


def test_unpicklable_build_function_is_a_clear_error(tmp_path):
    x, y, xv, yv = regression_data()
    tuner = RandomSearch(lambda hp: build_regressor(hp), max_trials=2, directory=str(tmp_path))
    with pytest.raises(TypeError, match="must be picklable: define the build function at the top"):
        tuner.search(x, y, epochs=1, validation_data=(xv, yv), verbose=0, workers=2)


def test_unreachable_database_is_a_clear_error(tmp_path):
    port = _free_port()
    url = f"postgresql+psycopg2://neurx:secret@127.0.0.1:{port}/nowhere"
    pytest.importorskip("psycopg2", reason="the PostgreSQL driver psycopg2 is not installed")
    with pytest.raises(ConnectionError, match=f"Could not open the tuner storage "
                                              f"'postgresql\\+psycopg2://neurx:\\*\\*\\*@127.0.0.1:{port}"):
        RandomSearch(build_regressor, storage=url, directory=str(tmp_path))


def test_killed_worker_trial_resumes_from_its_checkpoint(tmp_path):
    epochs_log = tmp_path / "epochs.txt"
    worker = run_python(f"""
        from neurx.tuners import RandomSearch
        from tuner_models import KillAt, build_regressor, regression_data
        x, y, xv, yv = regression_data()
        tuner = RandomSearch(build_regressor, max_trials=3, seed=5, directory={str(tmp_path)!r},
                             project_name="killed")
        tuner.search(x, y, epochs=4, validation_data=(xv, yv), verbose=0,
                     callbacks=[KillAt({str(epochs_log)!r}, epoch=2)])
    """)
    out = finish(worker)
    assert worker.returncode == -9, out  # SIGKILL: no clean-up happened
    assert epochs_log.read_text().split() == ["0", "1", "2", "3", "0", "1", "2"]

    x, y, xv, yv = regression_data()
    tuner = RandomSearch(build_regressor, max_trials=3, seed=5, directory=str(tmp_path),
                         project_name="killed")
    assert tuner.study.trials[1].state.name == "RUNNING"  # as the killed process left it
    tuner.search(x, y, epochs=4, validation_data=(xv, yv), verbose=0)
    trials = tuner.study.get_trials()
    assert trials[1].state.name == "FAIL" and "neurx_error" not in trials[1].user_attrs
    assert tuner.oracle.trials["01"].status == "INTERRUPTED"
    retry = next(t for t in trials if t.system_attrs.get("failed_trial") == 1)
    assert retry.state.name == "COMPLETE" and retry.params == trials[1].params
    assert retry.user_attrs["neurx_resumed_from"]["epoch"] == 1  # epoch 2 was not saved
    assert len([t for t in tuner.oracle.trials.values() if t.status == "COMPLETED"]) == 3


# ---------------------------------------------------------------- PostgreSQL
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    root = "/usr/lib/postgresql"
    if os.path.isdir(root):
        for version in sorted(os.listdir(root), reverse=True):
            candidate = os.path.join(root, version, "bin", name)
            if os.path.exists(candidate):
                return candidate
    return None


def _ensure_postgres_installed() -> None:
    if _pg_bin("initdb") and _pg_bin("pg_ctl"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("PostgreSQL is not installed and this user cannot install it "
                    "(needs root and apt-get: `apt-get install -y postgresql`)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            pytest.skip(f"Could not install PostgreSQL with {' '.join(command)}: "
                        f"{result.stderr.strip()[-300:]}")


@pytest.fixture
def postgres_url():
    """A PostgreSQL server of our own on 127.0.0.1 (a free port), stopped afterwards."""
    pytest.importorskip("psycopg2", reason="the PostgreSQL driver psycopg2 is not installed "
                                           "(pip install psycopg2-binary)")
    _ensure_postgres_installed()
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    base = pathlib.Path(tempfile.mkdtemp(prefix="neurx-pg-"))  # reachable by 'postgres'
    data = base / "data"
    as_user = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            import pwd
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
        os.chmod(base, 0o777)
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else \
            ["su", "postgres", "-s", "/bin/sh", "-c"]
    port = _free_port()

    def run(*command):
        if as_user and as_user[0] == "su":
            command = [" ".join(command)]
        return subprocess.run([*as_user, *command], capture_output=True, text=True, timeout=120)

    result = run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    if result.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"initdb failed: {result.stderr.strip()[-300:]}")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    result = run(pg_ctl, "-D", str(data), "-o", f"'{options}'" if as_user[:1] == ["su"] else options,
                 "-l", str(base / "server.log"), "-w", "start")
    if result.returncode != 0:
        log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start: {result.stderr.strip()[-200:]} {log[-300:]}")
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_two_workers_share_one_study_on_postgresql(tmp_path, postgres_url):
    settings = dict(objective="val_loss", max_trials=4, seed=11, directory=str(tmp_path),
                    project_name="shared", storage=postgres_url)
    RandomSearch(build_regressor, overwrite=True, **settings)  # creates the study
    code = """
        import json, os, sys, time
        from neurx.tuners import RandomSearch
        from tuner_models import build_regressor, regression_data
        me, settings = int(sys.argv[1]) if len(sys.argv) > 1 else 0, json.loads({settings!r})
        def barrier(name):  # both workers search at the same time, and report at the end
            open(os.path.join(settings["directory"], f"{{name}}-{{me}}"), "w").close()
            while not os.path.exists(os.path.join(settings["directory"], f"{{name}}-{{1 - me}}")):
                time.sleep(0.05)
        x, y, xv, yv = regression_data()
        tuner = RandomSearch(build_regressor, tuner_id=f"machine-{{me}}", **settings)
        barrier("ready")
        tuner.search(x, y, epochs=2, validation_data=(xv, yv), verbose=0)
        barrier("done")
        print("BEST", json.dumps(tuner.get_best_hyperparameters(1)[0].values))
    """
    workers = []
    for me in (0, 1):
        body = code.format(settings=json.dumps(settings)).replace(
            "int(sys.argv[1]) if len(sys.argv) > 1 else 0", str(me))
        workers.append(run_python(body))
    outputs = [finish(w) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    best = [json.loads(o.split("BEST", 1)[1]) for o in outputs]
    assert best[0] == best[1]  # one shared result

    tuner = RandomSearch(build_regressor, **settings)
    trials = tuner.study.get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE"] * 4  # no duplicated trial
    assert sorted(t.number for t in trials) == [0, 1, 2, 3]
    assert len({json.dumps(t.params, sort_keys=True) for t in trials}) == 4
    assert {t.user_attrs["neurx_tuner_id"] for t in trials} == {"machine-0", "machine-1"}
    assert tuner.get_best_hyperparameters(1)[0].values == best[0]


def test_worker_killed_mid_trial_on_postgresql_is_retried_by_another(tmp_path, postgres_url):
    """The killed worker claims another machine's name, so only optuna's heartbeat (1 s,
    grace 2 s) can find its trial lost; the surviving worker retries it."""
    settings = dict(objective="val_loss", max_trials=4, seed=7, directory=str(tmp_path),
                    project_name="killed_pg", storage=postgres_url, heartbeat_interval=1)
    RandomSearch(build_regressor, overwrite=True, **settings)
    code = """
        import json, os, time
        import neurx.tuners.storage
        from neurx.tuners import RandomSearch
        from tuner_models import KillAt, build_regressor, regression_data
        me, settings = {me!r}, json.loads({settings!r})
        callbacks = []
        if me == "victim":
            neurx.tuners.storage.OWNER = "another-machine:1:gone"
            callbacks = [KillAt(os.path.join(settings["directory"], "epochs.txt"), epoch=1,
                                nth_trial=1)]
        open(os.path.join(settings["directory"], me), "w").close()
        while not all(os.path.exists(os.path.join(settings["directory"], w))
                      for w in ("victim", "survivor")):
            time.sleep(0.05)
        x, y, xv, yv = regression_data()
        tuner = RandomSearch(build_regressor, tuner_id=me, **settings)
        tuner.search(x, y, epochs=3, validation_data=(xv, yv), verbose=0, callbacks=callbacks)
    """
    workers = {me: run_python(code.format(me=me, settings=json.dumps(settings)))
               for me in ("victim", "survivor")}
    outputs = {me: finish(w) for me, w in workers.items()}
    assert workers["victim"].returncode == -9, outputs["victim"]
    assert workers["survivor"].returncode == 0, outputs["survivor"]

    tuner = RandomSearch(build_regressor, **settings)
    trials = tuner.study.get_trials()
    killed = next(t for t in trials if t.user_attrs.get("neurx_tuner_id") == "victim")
    assert killed.state.name == "FAIL" and tuner.oracle.trials[f"{killed.number:02d}"].status \
        == "INTERRUPTED"
    retry = next(t for t in trials if t.system_attrs.get("failed_trial") == killed.number)
    assert retry.state.name == "COMPLETE" and retry.params == killed.params
    assert retry.user_attrs["neurx_tuner_id"] == "survivor"
    assert retry.user_attrs["neurx_resumed_from"]["epoch"] == 0  # killed at the end of epoch 1
    assert len(trials) == 5  # four trials and one retry, nothing duplicated
    assert [t.status for t in tuner.oracle.trials.values()].count("COMPLETED") == 4
