"""The control room's hands: commands to the shop (Lazy Pirate over DEALER) and CURVE keys."""
from controlroom.commands.client import CommandClient, CommandRecord

__all__ = ["CommandClient", "CommandRecord"]
