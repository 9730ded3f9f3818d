"""The participants' comparison page: static HTML, CSS and JavaScript modules (``static/``), and its routes."""
