"""What every package of BrandHub shares and none owns: the root of the error tree.

It depends on nothing (not even another package of the project), so the domain
packages (``assets``, ``guidelines``, ``search_index``) and ``brandhub`` can all
import it without depending on each other.
"""
