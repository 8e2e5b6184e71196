# verdict: error
# Starts threads until the pids limit refuses one: the import fails.
import threading
import time
while True:
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
