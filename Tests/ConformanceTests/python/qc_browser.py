"""Opens QC report pages in headless Chromium over the DevTools protocol (a pipe: no extra Python package) and
reports, as JSON on stdout, what a user would see: console errors and uncaught exceptions, every <img> and whether
it decoded (naturalWidth > 0), the label table's rows with their flag, the overview's rows, and a full-page
screenshot written to the given path.

usage: qc_browser.py CHROMIUM OUT_DIR PAGE.html[=SCREENSHOT.png] ...
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

PROBE = r"""
(() => {
  const images = Array.from(document.images).map(i => ({src: i.getAttribute('src'), complete: i.complete,
                                                        naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight}));
  const labels = Array.from(document.querySelectorAll('#labels tbody tr')).map(r => ({
    value: parseInt(r.dataset.label), flagged: r.className !== '', flag: r.cells[r.cells.length - 1].textContent}));
  const cases = Array.from(document.querySelectorAll('#cases tbody tr')).map(r => ({
    id: r.cells[1].textContent, worst: r.cells[0].textContent, href: r.cells[1].querySelector('a').getAttribute('href'),
    problems: r.cells[5].textContent}));
  return JSON.stringify({title: document.title, images, labels, cases,
                         width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight});
})()
"""


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="qc-chromium-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # The DevTools pipe is fds 3 (commands in) and 4 (replies out) of the browser.
        def child_fds():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "--window-size=1400,1000"],
            pass_fds=(3, 4, to_browser_r, from_browser_w), preexec_fn=child_fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = self.read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(method)

    def read_message(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        for event in self.events:
            if event.get("method") == method:
                self.events.remove(event)
                return event
        while time.time() < deadline:
            event = self.read_message()
            if event.get("method") == method:
                return event
            self.events.append(event)
        raise TimeoutError(method)

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        self.process.wait(timeout=30)


def errors_in(events):
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append("exception: " + json.dumps(params.get("exceptionDetails", {}).get("text")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console." + params["type"] + ": " + json.dumps([a.get("value") for a in params.get("args", [])]))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append("log: " + entry.get("text", "") + " " + entry.get("url", ""))
    return found


def main():
    chromium, out_dir, pages = sys.argv[1], sys.argv[2], sys.argv[3:]
    browser = Browser(chromium)
    results = []
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Runtime.enable", "Log.enable", "Page.enable"):
            browser.send(method, session=session)
        for page in pages:
            path, _, shot = page.partition("=")
            browser.events = []
            browser.send("Page.navigate", {"url": "file://" + os.path.abspath(path)}, session=session)
            browser.wait_event("Page.loadEventFired")
            time.sleep(0.3)  # late console messages
            probe = browser.send("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session=session)
            seen = json.loads(probe["result"]["value"])
            seen["page"] = path
            if shot:
                width, height = max(seen["width"], 800), min(max(seen["height"], 600), 8000)
                browser.send("Emulation.setDeviceMetricsOverride",
                             {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                             session=session)
                data = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]

                with open(os.path.join(out_dir, shot), "wb") as file:
                    file.write(base64.b64decode(data))
                seen["screenshot"] = os.path.join(out_dir, shot)
                browser.send("Emulation.clearDeviceMetricsOverride", session=session)
            # Sorting must not throw: click every overview header twice.
            browser.send("Runtime.evaluate", {"expression":
                "document.querySelectorAll('table.sortable th').forEach(th => { th.click(); th.click(); })"},
                session=session)
            seen["errors"] = errors_in(browser.events)
            results.append(seen)
    finally:
        browser.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
