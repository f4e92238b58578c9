"""The bucket tree: buckets at the top, prefixes loaded lazily when a node is expanded.

It posts `TreeExpandRequest` for unloaded nodes and `NavigateRequest` when a node is
chosen; the app fills children in with `add_children` when the service answers.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ..core.messages import NavigateRequest, TreeExpandRequest
from ..core.models import BucketInfo, Location
from ..core.safe_text import safe_text


class BucketTree(Tree[Location]):
    """Tree of buckets and prefixes; node data is the node's Location."""

    DEFAULT_CSS = """
    BucketTree { width: 26; border-right: solid $panel-lighten-2; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("buckets"), data=Location(), id=id)
        self.show_root = False
        self.guide_depth = 2
        self._loaded: set[int] = set()

    def set_buckets(self, buckets: list[BucketInfo]) -> None:
        self.clear()
        self._loaded.clear()
        for bucket in buckets:
            self.root.add(safe_text(bucket.name), data=Location(bucket.name, ""), allow_expand=True)
        self.root.expand()

    def node_for(self, node_id: int) -> TreeNode[Location] | None:
        try:
            return self.get_node_by_id(node_id)  # type: ignore[arg-type]
        except Exception:  # the node went away (tree reloaded)
            return None

    def add_children(self, node_id: int, names: list[str], truncated: bool) -> None:
        node = self.node_for(node_id)
        if node is None or node.data is None:
            return
        node.remove_children()
        location = node.data
        for name in names:
            node.add(safe_text(name), data=location.child(name), allow_expand=True)
        if truncated:
            node.add_leaf(Text("… more (open the listing)", style="italic"), data=location)
        if not names and not truncated:
            node.allow_expand = False
        node.expand()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Location]) -> None:
        event.stop()
        node = event.node
        if node.data is None or node.data.bucket is None or node.id in self._loaded:
            return
        self._loaded.add(node.id)
        self.post_message(TreeExpandRequest(node.id, node.data.bucket, node.data.prefix))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Location]) -> None:
        event.stop()
        if event.node.data is not None and event.node.data.bucket is not None:
            self.post_message(NavigateRequest(event.node.data))
