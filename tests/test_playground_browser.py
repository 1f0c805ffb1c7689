"""The playground page in a real headless Chromium (Debian's `chromium` + `chromium-driver`,
driven by selenium): play on XOR lowers the displayed loss, the drawn network follows the
layer count, a bad setting shows the server's message, a closed tab frees its session."""
import os
import shutil
import time

import pytest

from neurx.playground.server import PlaygroundServer

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip(f"the browser test needs Debian's chromium and chromium-driver ({CHROMIUM}, "
                f"{CHROMEDRIVER}): apt-get install -y chromium chromium-driver",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="the browser test needs selenium "
                                "(pip install selenium)")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--window-size=1280,800")


@pytest.fixture
def server():
    server = PlaygroundServer(port=0, keepalive=1.0).start()
    yield server
    server.stop()


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def _number(text):
    try:
        return float(text)
    except ValueError:
        return float("inf")


def _neurons(driver):
    return len(driver.find_elements(By.CSS_SELECTOR, "#network .neuron"))


def _wait(driver, condition, timeout, what):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: condition(d), message=f"timed out after {timeout} s waiting for {what}")


def test_play_on_xor_lowers_the_loss_and_the_network_follows_the_layers(server, browser,
                                                                        tmp_path):
    browser.get(server.url)
    _wait(browser, lambda d: _neurons(d) == 7, 60, "the default network 2 -> 4 -> 2 -> 1")
    assert _text(browser, "error") == ""

    browser.find_element(By.ID, "dataset-xor").click()
    _wait(browser, lambda d: "selected" in d.find_element(By.ID, "dataset-xor")
          .get_attribute("class"), 30, "the XOR dataset")
    browser.find_element(By.ID, "play").click()
    _wait(browser, lambda d: _number(_text(d, "loss-train")) < 0.1, 60,
          "the displayed training loss to drop below 0.1")
    assert int(_text(browser, "epoch")) > 0 and _number(_text(browser, "loss-test")) < 0.2
    screenshot = tmp_path / "playground.png"      # the test artifact: XOR, trained
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
    try:
        shutil.copyfile(screenshot, "/tmp/playground.png")   # for people to look at
    except OSError:
        pass

    browser.find_element(By.ID, "show-code").click()
    code = _wait(browser, lambda d: d.find_element(By.ID, "code").text, 30, "the Keras code")
    assert "keras.layers.Dense(4, activation='tanh')" in code and "make_points('xor'" in code
    browser.find_element(By.CSS_SELECTOR, "#code-dialog form button:not(#copy-code)").click()

    links_before = len(browser.find_elements(By.CSS_SELECTOR, "#network svg path"))
    browser.find_element(By.ID, "add-layer").click()
    _wait(browser, lambda d: _neurons(d) == 9, 60, "a third hidden layer of 2 neurons")
    assert _text(browser, "layer-count") == "3"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#network svg path")) == links_before + 4

    for _ in range(4):                       # 3 -> 6 layers is allowed, the 7th is refused
        browser.find_element(By.ID, "add-layer").click()
        time.sleep(0.3)
    error = _wait(browser, lambda d: _text(d, "error"), 60, "the server's error message")
    assert "at most 6 hidden layer sizes" in error
    _wait(browser, lambda d: _text(d, "layer-count") == "6", 60, "six hidden layers")

    error_shot = tmp_path / "playground-error.png"
    assert browser.save_screenshot(str(error_shot)) and error_shot.stat().st_size > 10_000

    script_errors = [entry for entry in browser.get_log("browser")
                     if entry.get("source") == "javascript"]
    assert script_errors == []

    assert len(server.registry) == 1
    browser.get("about:blank")                # the tab leaves: its session is freed
    deadline = time.monotonic() + 15
    while len(server.registry) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(server.registry) == 0


def test_two_tabs_get_their_own_sessions(server, browser):
    browser.get(server.url)
    _wait(browser, lambda d: _neurons(d) == 7, 60, "the first tab's network")
    first = browser.find_element(By.TAG_NAME, "body").get_attribute("data-session")
    browser.switch_to.new_window("tab")
    browser.get(server.url)
    _wait(browser, lambda d: _neurons(d) == 7, 60, "the second tab's network")
    second = browser.find_element(By.TAG_NAME, "body").get_attribute("data-session")
    assert first and second and first != second
    assert sorted(server.registry.ids()) == sorted([first, second])
