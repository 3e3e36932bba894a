"""What a person changed in a document cipdocs wrote, and carrying it into the next one."""
