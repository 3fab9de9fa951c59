using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// A console form is read as strictly as an OAuth request: what is not form-encoded UTF-8 is refused with a page that
/// names the rule, before anything changes. Browsers never send such a body; a hostile client or a broken proxy might.
/// </summary>
public sealed class ConsoleFormEncodingTests : ConsoleTest
{
    [Theory]
    [InlineData("value=%ZZdave")]
    [InlineData("value=da%2")]
    [InlineData("value=%FF%FEdave")]
    [InlineData("value=da%00ve")]
    public async Task Invariant7_ConsoleFormThatIsNotFormEncodedUtf8_Returns400AndChangesNothing(string value)
    {
        var admin = await OneTimeAdminAsync();
        var token = (await admin.GetAsync("/revocations")).Token();

        var page = await admin.PostRawAsync("/revocations", Form($"__csrf={Uri.EscapeDataString(token)}&target=user&{value}", "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("not form-encoded UTF-8 text", page.Html, StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=iso-8859-1")]
    [InlineData("text/plain")]
    public async Task Invariant7_ConsoleFormOfAnotherMediaTypeOrCharset_Returns415AndChangesNothing(string contentType)
    {
        var admin = await OneTimeAdminAsync();
        var token = (await admin.GetAsync("/revocations")).Token();

        var page = await admin.PostRawAsync("/revocations", Form($"__csrf={Uri.EscapeDataString(token)}&target=user&value=dave", contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, page.Status);
        Assert.Contains("id=\"error\"", page.Html, StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Fact]
    public async Task Invariant7_ConsoleFormWithAnOverflowingChunkSize_Returns400AndChangesNothing()
    {
        var admin = await OneTimeAdminAsync();
        var token = (await admin.GetAsync("/revocations")).Token();
        var cookies = string.Join("; ", admin.Cookies.Select(c => $"{c.Key}={c.Value}"));
        var form = $"__csrf={Uri.EscapeDataString(token)}&target=user&value=dave";

        // Kestrel reports this chunk size as a bare IOException, not as a BadHttpRequestException.
        var reply = await RawHttp.SendAsync(RawHttp.Tcp(ConsoleAddress),
            $"POST /revocations HTTP/1.1\r\nHost: {ConsoleAddress.Authority}\r\nCookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n",
            Encoding.ASCII.GetBytes($"FFFFFFFFFFFFFFFFFF\r\n{form}\r\n0\r\n\r\n"));

        Assert.True(reply.Status == 400, reply.ToString());
        Assert.Contains("id=\"error\"", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    private static ByteArrayContent Form(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
