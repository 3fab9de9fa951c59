using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AdminApi;

/// <summary>
/// The admin API is reached by being on its Unix socket, not by the Host a request names: curl's
/// <c>http://localhost/…</c> over the socket is answered, and no Host opens it over TCP
/// (<c>MalformedRequestTests.Invariant7_AdminApiOverTcp_Returns404AndRevokesNothing</c>).
/// </summary>
public sealed class AdminSocketHostTests : BrokerTest
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("mandate-admin")]
    [InlineData("example.com")]
    public async Task AdminSocket_AnyHost_IsAnswered(string host)
    {
        using var http = Mandate.Client.UnixSocketHttpClient.Create(Broker.Options.AdminSocket, host);

        using var status = await http.GetAsync("admin/status");

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Theory]
    [InlineData("admin/status")]
    [InlineData("admin/audit")]
    [InlineData("admin/runs")]
    [InlineData("admin/approvals")]
    [InlineData("admin/entries")]
    [InlineData("admin/secrets")]
    public async Task AdminSocket_HeadOfAGetResource_IsAnsweredAsGetWithoutABody(string path)
    {
        // RFC 9110 §9.1: a general-purpose server MUST support HEAD wherever it supports GET.
        using var http = Mandate.Client.UnixSocketHttpClient.Create(Broker.Options.AdminSocket, "localhost");
        using var get = await http.GetAsync(path);

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }
}
