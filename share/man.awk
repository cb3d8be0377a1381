# SPDX-License-Identifier: Apache-2.0
# man.awk: split MANUAL.md into one markdown page a program, for go-md2man
#
#   awk -v out=DIR -v version=V -f share/man.awk MANUAL.md
#
# Each "## dl..." section becomes DIR/NAME.1.md (NAME: the title with
# spaces as dashes: "dl image" is dl-image.1, "dl-extract" dl-extract.1),
# its "###" headings the page's sections; the other "##" sections
# (conventions, fault points, benchmarks) make DIR/dockerlite.7.md.  The
# NAME line comes from "**NAME** ..." or from the section's first sentence.

function flush(   f, i, name) {
	if (title == "")
		return
	if (title ~ /^dl([ -]|$)/) {
		page = title
		gsub(/ /, "-", page)
		f = out "/" page ".1.md"
		name = ""
		for (i = 1; i <= n; i++)
			if (body[i] ~ /^\*\*NAME\*\* /) {
				name = body[i]
				sub(/^\*\*NAME\*\* /, "", name)
				body[i] = ""
				break
			}
		if (name == "")
			name = title " - " describe()
		syn = ""
		for (i = 1; i <= n; i++) {
			if (body[i] ~ /^\*\*SYNOPSIS\*\* /) {
				syn = syn (syn == "" ? "" : "\n\n") substr(body[i], 14)
				body[i] = ""
			}
			sub(/^\*\*DESCRIPTION\*\* /, "", body[i])
		}
		printf "%% %s 1 \"\" \"dockerlite %s\" \"dockerlite Manual\"\n\n", toupper(page), version > f
		printf "# NAME\n\n%s\n\n", name > f
		if (syn != "")
			printf "# SYNOPSIS\n\n%s\n\n", syn > f
		printf "# DESCRIPTION\n\n" > f
		for (i = 1; i <= n; i++)
			print body[i] > f
		printf "\n# SEE ALSO\n\ndl(1), dockerlite(7)\n" > f
		close(f)
	} else {
		seven = seven "# " toupper(title) "\n\n"
		for (i = 1; i <= n; i++)
			seven = seven body[i] "\n"
		seven = seven "\n"
	}
	n = 0
	title = ""
}

# the first sentence of the section, its subject (the title) dropped
function describe(   i, s) {
	for (i = 1; i <= n; i++)
		if (body[i] != "" && body[i] !~ /^#/) {
			s = body[i]
			while (i < n && body[i + 1] != "" && s !~ /\.( |$)/)
				s = s " " body[++i]
			sub(/\. .*/, "", s)
			sub(/\.$/, "", s)
			if (index(s, title " ") == 1)
				s = substr(s, length(title) + 2)
			return s
		}
	return title
}

/^```/ { fence = !fence }

!fence && /^## / {
	flush()
	title = substr($0, 4)
	next
}

!fence && /^#### / && title != "" {
	body[++n] = "## " substr($0, 6)
	next
}

!fence && /^### / && title != "" {
	body[++n] = (title ~ /^dl([ -]|$)/ ? "# " : "## ") substr($0, 5)
	next
}

title != "" {
	body[++n] = $0
}

END {
	flush()
	f = out "/dockerlite.7.md"
	printf "%% DOCKERLITE 7 \"\" \"dockerlite %s\" \"dockerlite Manual\"\n\n", version > f
	printf "# NAME\n\ndockerlite - conventions of the dl commands and helpers\n\n" > f
	printf "%s", seven > f
	printf "# SEE ALSO\n\ndl(1)\n" > f
	close(f)
}
