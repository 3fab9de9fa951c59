using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Mcp;

/// <summary>A compromised-key rotation at the MCP gateway: a credential signed by the distrusted key gets 401 invalid_token and reaches no server.</summary>
public sealed class McpGatewayCompromisedKeyTests : McpGatewayTest
{
    [Fact]
    public async Task Post_CredentialSignedByACompromisedKey_Returns401InvalidTokenNotForwarded_NewCredentialAnswered()
    {
        var before = await Gateway.CredentialAsync();
        Gateway.Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var rotated = await AdminSocket.PostJsonAsync(Gateway.Broker, "admin/keys/rotate", new { compromised = true, reason = "leak" });
        Assert.Equal(HttpStatusCode.OK, rotated.Status);

        using var refused = await PostAsync(Request("tools/list"), before);
        var forwardedBefore = Gateway.Upstream.Received.Count;
        using var answered = await PostAsync(Request("tools/list"), await Gateway.CredentialAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, forwardedBefore);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }
}
