"""embed.py IN OUT NAME — write IN as a C string constant NAME (build step)."""
import sys
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "w") as f:
    f.write("/* generated from %s */\nconst char %s[] =\n" % (sys.argv[1].rsplit("/", 1)[-1], sys.argv[3]))
    for line in data.split(b"\n"):
        f.write('\t"' + "".join("\\%03o" % b if b < 32 or b > 126 or b in (34, 92, 63) else chr(b)
                                 for b in line + b"\n") + '"\n')
    f.write(";\n")
