from xsight import create_app

app = create_app()
