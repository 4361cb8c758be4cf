"""The seed article's servers as one process, for bench/compare.sh: its echo server (answers
"Echo: <message>", as the article's does) on /echo and its chat server on /chat, with the article's
protocol and replies. Differences from the article, each needed to run it under load: no print per
message (logging would dominate the measurement), broadcast via websockets.broadcast() (the article's
asyncio.wait over coroutines is rejected by Python 3.11), one port for both paths. PORT from the
environment (default 9002).
"""
import asyncio
import json
import os
import signal

import websockets

CONNECTED_CLIENTS = set()


def broadcast_message(message):
    websockets.broadcast(CONNECTED_CLIENTS, message)


async def echo(websocket):
    async for message in websocket:
        await websocket.send(f"Echo: {message}")


async def chat(websocket):
    CONNECTED_CLIENTS.add(websocket)
    user_name = None
    try:
        async for message_str in websocket:
            try:
                message_data = json.loads(message_str)
                message_type = message_data.get("type")
                if message_type == "join":
                    user_name = message_data.get("name", "Anonymous")
                    broadcast_message(json.dumps({"type": "status", "message": f"{user_name} joined the chat."}))
                elif message_type == "chat" and user_name:
                    chat_msg = message_data.get("message", "")
                    broadcast_message(json.dumps({"type": "chat", "sender": user_name, "message": chat_msg}))
                else:
                    await websocket.send(json.dumps({"type": "error", "message": "Invalid message format or not joined."}))
            except json.JSONDecodeError:
                await websocket.send(json.dumps({"type": "error", "message": "Invalid JSON format."}))
    except websockets.exceptions.ConnectionClosed:
        pass
    finally:
        CONNECTED_CLIENTS.discard(websocket)
        if user_name:
            broadcast_message(json.dumps({"type": "status", "message": f"{user_name} left the chat."}))


async def handler(websocket, path=None):
    path = path if path is not None else websocket.path
    if path == "/echo":
        await echo(websocket)
    else:
        await chat(websocket)


async def main():
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    port = int(os.environ.get("PORT", "9002"))
    async with websockets.serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
        print(f"seed python server listening on {port}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
