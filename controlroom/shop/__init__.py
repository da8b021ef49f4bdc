"""Shop-side library for protocol v1: what a shop integrator imports instead of re-implementing it."""
from controlroom.shop.server import ShopServer
from controlroom.shop.stamp import Stamper, new_epoch

__all__ = ["ShopServer", "Stamper", "new_epoch"]
