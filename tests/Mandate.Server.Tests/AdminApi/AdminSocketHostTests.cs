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
}
