using System.Text;
using Descent.Text.Data;

namespace Descent.Tests.Text.Data;

public sealed class EmailTextTests
{
    [Fact]
    public void KeepsSubjectAndBodyAndDropsTheOtherHeaders()
    {
        const string raw = "From someone@example.com  Thu Aug 22 13:17:22 2002\n"
            + "Received: from localhost (localhost [127.0.0.1])\n\tby phobos.labs.example.org\n"
            + "Subject: Hello\n  world\n"
            + "X-Spam-Status: No\n"
            + "Date: Wed, 21 Aug 2002 20:31:57 -1600\n"
            + "\n"
            + "Body  line\n\n  two\t three\n";
        Assert.Equal("Hello world\nBody line two three", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void HandlesCrLfAndMissingSubject()
    {
        Assert.Equal("just the body", EmailText.ToPlainText("To: a@b.c\r\nDate: today\r\n\r\njust the\r\nbody\r\n"));
    }

    [Fact]
    public void TextWithoutHeadersIsAllBody()
    {
        Assert.Equal("no headers here: just text", EmailText.ToPlainText("no headers here: just text\n"));
        Assert.Equal("Plain sentence. Another one.", EmailText.ToPlainText("Plain sentence.\nAnother one."));
        Assert.Equal(string.Empty, EmailText.ToPlainText(string.Empty));
    }

    [Fact]
    public void DecodesQuotedPrintableWithItsCharset()
    {
        const string raw = "Subject: qp\nContent-Type: text/plain; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\n"
            + "caf=E9 soft=\nbreak =3D ok\n";
        Assert.Equal("qp\ncafé softbreak = ok", EmailText.ToPlainText(raw));
        const string utf8 = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable\n\nGr=C3=BC=C3=9Fe\n";
        Assert.Equal("Grüße", EmailText.ToPlainText(utf8));
    }

    [Fact]
    public void DecodesBase64TextParts()
    {
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes("Grüße aus Köln, zum Preis von 5 €"));
        var raw = $"Subject: b64\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n{body[..20]}\n{body[20..]}\n";
        Assert.Equal("b64\nGrüße aus Köln, zum Preis von 5 €", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void Base64FollowedByAListFooterKeepsTheFooter()
    {
        var body = Convert.ToBase64String(Encoding.ASCII.GetBytes("Make money fast"));
        var raw = $"Content-Transfer-Encoding: base64\n\n{body}\n\n_______________\nList mailing list\nhttp://list.example/\n";
        Assert.Equal("Make money fast _______________ List mailing list http://list.example/", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void MalformedBase64IsKeptNotThrown()
    {
        const string raw = "Content-Transfer-Encoding: base64\n\n!!!not base64 at all (really)\n";
        Assert.Equal("!!!not base64 at all (really)", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void StripsHtml()
    {
        const string raw = "Subject: Deal\nContent-Type: text/html\n\n<html><head><style>p { color: red; }</style>"
            + "<script type=\"text/javascript\">var x = 1 < 2;</script></head>\n<body><!-- hidden\ncomment --><p>Buy&nbsp;now &amp; save</p>"
            + "<a href=\"http://x.example\">Click</a>&#33;</body></html>";
        Assert.Equal("Deal\nBuy now & save Click !", EmailText.ToPlainText(raw).Replace('\u00a0', ' '));
    }

    [Fact]
    public void StripsHtmlSentAsPlainTextButKeepsAngleBracketsOfPlainMail()
    {
        Assert.Equal("Hello there", EmailText.ToPlainText("Content-Type: text/plain\n\n<HTML><BODY><B>Hello</B> there</BODY></HTML>"));
        Assert.Equal("write to <jm@example.com> if x < 3", EmailText.ToPlainText("Subject:\n\nwrite to <jm@example.com> if x < 3"));
    }

    [Fact]
    public void MultipartAlternativePrefersPlainTextAndMixedDropsAttachments()
    {
        const string raw = "Subject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n\tboundary=\"OUTER\"\n\n"
            + "This is a multi-part message in MIME format.\n"
            + "--OUTER\nContent-Type: multipart/alternative; boundary=INNER\n\n"
            + "--INNER\nContent-Type: text/plain; charset=us-ascii\n\nplain version\n"
            + "--INNER\nContent-Type: text/html\n\n<p>html version</p>\n"
            + "--INNER--\n"
            + "--OUTER\nContent-Type: image/png; name=\"x.png\"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAAB\n"
            + "--OUTER\nContent-Type: text/plain\n\nsecond text part\n"
            + "--OUTER--\nepilogue is dropped\n";
        Assert.Equal("parts\nplain version second text part", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void MultipartAlternativeWithOnlyHtmlKeepsTheHtml()
    {
        const string raw = "Content-Type: multipart/alternative; boundary=b1\n\n--b1\nContent-Type: text/html\n"
            + "Content-Transfer-Encoding: quoted-printable\n\n<p>only=20html</p>\n--b1--\n";
        Assert.Equal("only html", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void EmbeddedMessagesContributeSubjectAndBody()
    {
        const string raw = "Subject: Fwd\nContent-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain\n\nsee below\n"
            + "--z\nContent-Type: message/rfc822\n\nFrom: x@y\nSubject: inner\n\ninner body\n--z--\n";
        Assert.Equal("Fwd\nsee below inner inner body", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void DecodesEncodedWordsInTheSubject()
    {
        var b = Convert.ToBase64String(Encoding.UTF8.GetBytes("Grüße"));
        var raw = $"Subject: =?utf-8?B?{b}?= =?ISO-8859-1?Q?caf=E9_au_lait?= !\n\nx";
        Assert.Equal("Grüßecafé au lait !\nx", EmailText.ToPlainText(raw));
    }

    [Fact]
    public void MultipartWithoutItsBoundaryIsReadAsText()
    {
        Assert.Equal("no delimiter", EmailText.ToPlainText("Content-Type: multipart/mixed; boundary=zz\n\nno delimiter\n"));
    }
}
