// Smoke test of the JS web-client path: the official @microsoft/signalr client negotiates through the app
// (POST {APP_URL}/api/negotiate, which redirects it to the SignalR Service), invokes the `typing` hub method
// (answered by the app's upstream) and waits for a `chat.updated` event of CHAT_ID.
//
//   APP_URL=http://127.0.0.1:7071 ACCESS_TOKEN=... CHAT_ID=... node tests/node/signalr-smoke.mjs
//
// stdout, one line each: `connected`, `typing invoked`, then `event {envelope as JSON}`. Exits 0 once the event
// arrived, 1 on any failure or after TIMEOUT_MS (default 30000), 2 without its settings. NodeClientTests runs it.
import * as signalR from "@microsoft/signalr";

const { APP_URL, ACCESS_TOKEN, CHAT_ID } = process.env;
const timeoutMs = Number(process.env.TIMEOUT_MS ?? 30000);
if (!APP_URL || !ACCESS_TOKEN || !CHAT_ID) {
  console.error("signalr-smoke: set APP_URL, ACCESS_TOKEN and CHAT_ID");
  process.exit(2);
}

const connection = new signalR.HubConnectionBuilder()
  .withUrl(new URL("api", APP_URL.endsWith("/") ? APP_URL : APP_URL + "/").href, {
    accessTokenFactory: () => ACCESS_TOKEN,
    transport: signalR.HttpTransportType.WebSockets,
  })
  .configureLogging(signalR.LogLevel.Warning) // the client logs to stderr
  .build();

// Registered before start, so nothing sent after the connection is up can be missed.
const updated = new Promise((resolve) => {
  connection.on("chat.updated", (envelope) => {
    if (envelope?.chatId === CHAT_ID) {
      resolve(envelope);
    }
  });
});

let step = "connecting";
let timer;
const timeout = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms while ${step}`)), timeoutMs);
});

try {
  await Promise.race([connection.start(), timeout]);
  console.log("connected");
  // invoke() resolves only when the completion came back from the app's upstream through the service.
  step = "invoking typing";
  await Promise.race([connection.invoke("typing", { chatId: CHAT_ID, action: "typing" }), timeout]);
  console.log("typing invoked");
  step = `waiting for chat.updated of chat ${CHAT_ID}`;
  const envelope = await Promise.race([updated, timeout]);
  console.log("event " + JSON.stringify(envelope));
  step = "stopping";
  await Promise.race([connection.stop(), timeout]);
} catch (error) {
  console.error(`signalr-smoke: ${error?.message ?? error}`);
  process.exitCode = 1;
  // A request still hanging must not keep the process alive; the second lets stdout and stderr drain.
  setTimeout(() => process.exit(), 1000);
} finally {
  clearTimeout(timer);
}
