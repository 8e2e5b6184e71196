# verdict: error
import sys
sys.exit(0)
