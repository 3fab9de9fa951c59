using System.Text.Json;
using Mandate.Examples.Mcp.Tests.Harness;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>RFC 9728 protected resource metadata and the 401 challenges that point to it (MCP authorization server discovery).</summary>
public sealed class ResourceMetadataTests : McpTest
{
    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/mcp")]
    [InlineData("/.well-known/oauth-protected-resource")]
    public async Task Metadata_AtPathInsertedAndRootUri_NamesResourceBrokerAndScopes_WithoutCredential(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        // RFC 9728 §3.3: resource is exactly the identifier the path-inserted URI was derived from.
        Assert.Equal(Harness.Resource, json.GetProperty("resource").GetString());
        Assert.Equal([Harness.Issuer], json.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["orders:read"], json.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["header"], json.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Payments (Mandate MCP example)", json.GetProperty("resource_name").GetString());
        // Only members that apply: this server signs nothing and has no keys of its own.
        Assert.False(json.TryGetProperty("jwks_uri", out _));
        Assert.False(json.TryGetProperty("resource_signing_alg_values_supported", out _));
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/mcp")]
    [InlineData("/.well-known/oauth-protected-resource")]
    public async Task Metadata_Head_SameStatusAndTypeAsGetWithoutBody(string path)
    {
        // RFC 9110 §9.1/§9.3.2: HEAD is GET without the content.
        using var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Metadata_ForAnotherPath_IsNotServed()
    {
        using var response = await Http.GetAsync("/.well-known/oauth-protected-resource/other");

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/MCP")]
    [InlineData("/.well-known/oauth-protected-resource/mcp/")]
    [InlineData("/.well-known/OAUTH-PROTECTED-RESOURCE/mcp")]
    public async Task Metadata_AtAPathOfAnotherResource_IsNotServed_ResourceMustBeIdenticalToTheUrl(string path)
    {
        // RFC 9728 §3.3: the document's resource must be identical to the resource its URL was derived from.
        using var response = await Http.GetAsync(path);

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task NoCredential_Gets401_WithResourceMetadataAndScopeGuidance_NoErrorCode()
    {
        var reply = await PostAsync(ToolCall("lookup_order"), credential: null);

        Assert.Equal(401, reply.Status);
        Assert.Equal(Harness.ServerAddress.GetLeftPart(UriPartial.Authority) + "/.well-known/oauth-protected-resource/mcp", reply.Parameter("resource_metadata"));
        Assert.Equal("orders:read", reply.Parameter("scope"));
        // RFC 6750 §3.1: no error code when no credential was sent.
        Assert.Null(reply.Parameter("error"));
    }

    [Fact]
    public async Task CredentialForAnotherMcpServer_Gets401InvalidToken_WithResourceMetadata()
    {
        var credential = await Harness.CredentialAsync("other:read", resource: McpBroker.OtherResource);

        var reply = await PostAsync(ToolCall("lookup_order"), credential);

        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_token", reply.Parameter("error"));
        Assert.Contains("audience", reply.Parameter("error_description"), StringComparison.Ordinal);
        Assert.NotNull(reply.Parameter("resource_metadata"));
    }

    [Fact]
    public async Task ExpiredCredential_Gets401InvalidToken()
    {
        var credential = await Harness.CredentialAsync("orders:read");
        Harness.Clock.Advance(TimeSpan.FromMinutes(10));

        var reply = await PostAsync(ToolCall("lookup_order"), credential);

        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_token", reply.Parameter("error"));
        Assert.Contains("expired", reply.Parameter("error_description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialInTheQueryString_IsNotAccepted()
    {
        var credential = await Harness.CredentialAsync("orders:read");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp?access_token=" + credential) { Content = new StringContent(ToolCall("lookup_order"), System.Text.Encoding.UTF8, "application/json") };

        using var response = await Http.SendAsync(request);

        // MCP authorization: tokens never in the URI; bearer_methods_supported says header only. RFC 6750 §3.1: an
        // unsupported parameter is invalid_request (400), as the broker answers a token in its query too.
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}
