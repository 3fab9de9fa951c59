namespace Mandate.Mcp.Tests;

public sealed class McpOriginPolicyTests
{
    private static readonly McpOriginPolicy Policy = new(["http://127.0.0.1:5100/mcp", "https://App.Example"]);

    [Fact]
    public void Check_NoOriginHeader_Passes() =>
        Assert.Null(Policy.Check([]));

    [Theory]
    [InlineData("http://127.0.0.1:5100")]
    [InlineData("HTTP://127.0.0.1:5100")]
    [InlineData("https://app.example")]
    [InlineData("https://app.example:443")]
    public void Check_AllowedOrigin_Passes(string origin) =>
        Assert.Null(Policy.Check([origin]));

    [Theory]
    // Streamable HTTP §Security Warning: an Origin that is present and not allowed MUST be a 403 (DNS rebinding).
    [InlineData("http://evil.example")]
    [InlineData("http://127.0.0.1:5101")]
    [InlineData("https://127.0.0.1:5100")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("http://127.0.0.1:5100/")]
    [InlineData("http://127.0.0.1:5100/mcp")]
    [InlineData("http://user@127.0.0.1:5100")]
    [InlineData("file://127.0.0.1")]
    public void Check_OtherOrMalformedOrigin_Returns403InvalidRequestWithoutId(string origin)
    {
        var error = Policy.Check([origin]);

        Assert.NotNull(error);
        Assert.Equal(403, error.HttpStatus);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, error.Code);
        Assert.Null(error.IdJson);
        Assert.DoesNotContain(origin.Length > 0 ? origin : "\u0000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RepeatedOriginHeader_Returns403() =>
        Assert.Equal(403, Policy.Check(["http://127.0.0.1:5100", "http://127.0.0.1:5100"])?.HttpStatus);

    [Theory]
    [InlineData("http://127.0.0.1:5100", true)]
    [InlineData("http://localhost:5100", true)]
    [InlineData("http://[::1]:5100", true)]
    [InlineData("http://0.0.0.0:5100", true)]
    [InlineData("http://10.1.2.3:5100", false)]
    [InlineData("https://payments.example", false)]
    public void LoopbackOrigins_OnlyForLoopbackOrWildcardListenAddresses(string listen, bool loopback)
    {
        var origins = McpOriginPolicy.LoopbackOrigins(new Uri(listen)).ToList();

        Assert.Equal(loopback, origins.Count > 0);
        if (loopback)
        {
            var policy = new McpOriginPolicy(origins);
            Assert.Null(policy.Check(["http://localhost:5100"]));
            Assert.Null(policy.Check(["http://[::1]:5100"]));
            Assert.NotNull(policy.Check(["http://localhost:5101"]));
        }
    }

    [Fact]
    public void Constructor_NotAnHttpOrigin_Throws() =>
        Assert.Throws<ArgumentException>(() => new McpOriginPolicy(["ftp://x"]));
}
