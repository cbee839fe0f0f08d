from xsight import create_app
from xsight.ops.heap import freeze_startup_heap

app = create_app()
freeze_startup_heap()
