"""The Streamlit user interface: everything that imports streamlit lives here, the core stays in toolkit/."""
