using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

public sealed class McpToolConfigTests
{
    private static string Tool(string body) => Minimal + $$"""

        tools:
          - name: payments-mcp
            resource: http://127.0.0.1:8081/payments-mcp
            scopes: [orders:read, refunds:write]
        {{body}}
        """;

    private const string JwtTool = """
            upstream: http://127.0.0.1:5100/mcp
            mcp:
              upstream_resource: http://127.0.0.1:5100/mcp
              tool_scopes: { refund: [refunds:write], lookup_order: [orders:read] }
        """;

    [Fact]
    public void Parse_JwtMcpTool_ReadsUpstreamResourceAndToolScopes()
    {
        var tool = Parse(Tool(JwtTool)).Tools[0];

        Assert.Equal("http://127.0.0.1:5100/mcp", tool.Mcp!.UpstreamResource);
        Assert.Equal(["refunds:write"], tool.Mcp.ScopesFor("refund"));
        Assert.Empty(tool.Mcp.ScopesFor("unknown_tool"));
        Assert.Equal(["orders:read", "refunds:write"], tool.Mcp.ScopesFor(null));
    }

    [Fact]
    public void Parse_ToolWithoutMcp_HasNone() =>
        Assert.Null(Parse(Tool("    upstream: http://127.0.0.1:5100/api")).Tools[0].Mcp);

    [Fact]
    public void Parse_SecretMcpTool_NeedsNoUpstreamResource()
    {
        var tool = Parse(Tool("""
                kind: secret
                upstream: http://127.0.0.1:5100/mcp
                mcp: { tool_scopes: { refund: [refunds:write] } }
            """)).Tools[0];

        Assert.Null(tool.Mcp!.UpstreamResource);
    }

    [Theory]
    [InlineData("    mcp: { upstream_resource: http://127.0.0.1:5100/mcp }", "tools[0].upstream", "set upstream")]
    [InlineData("    upstream: http://127.0.0.1:5100/mcp\n    mcp: { tool_scopes: {} }", "tools[0].mcp.upstream_resource", "required for kind jwt")]
    [InlineData("    upstream: http://127.0.0.1:5100/mcp\n    mcp: { upstream_resource: not-a-uri }", "tools[0].mcp.upstream_resource", "absolute URI")]
    [InlineData("    upstream: http://127.0.0.1:5100/mcp\n    mcp: { upstream_resource: http://127.0.0.1:8081/payments-mcp }", "tools[0].mcp.upstream_resource", "must differ")]
    [InlineData("    kind: secret\n    upstream: http://127.0.0.1:5100/mcp\n    mcp: { upstream_resource: http://127.0.0.1:5100/mcp }", "tools[0].mcp.upstream_resource", "kind jwt only")]
    [InlineData("    upstream: http://127.0.0.1:5100/mcp\n    mcp: { upstream_resource: http://u.example, tool_scopes: { refund: [admin:all] } }", "tools[0].mcp.tool_scopes.refund", "not one of the tool's scopes")]
    [InlineData("    upstream: http://127.0.0.1:5100/mcp\n    mcp: { upstream_resource: http://u.example, tool_scope: {} }", "tools[0].mcp.tool_scope", "unknown key")]
    [InlineData("    upstream: http://127.0.0.1:5100/mcp\n    mcp: { upstream_resource: http://u.example, tool_scopes: [refund] }", "tools[0].mcp.tool_scopes", "mapping")]
    public void Parse_BadMcpSection_SaysWhatToFix(string body, string path, string message)
    {
        Assert.Contains(Problems(Tool(body)), p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_McpOnAPostgresTool_IsRefused()
    {
        var problems = Problems(Tool("    kind: postgres\n    upstream: http://127.0.0.1:5100/mcp\n    mcp: {}"));

        Assert.Contains(problems, p => p.Path == "tools[0].mcp" && p.Message.Contains("kind jwt", StringComparison.Ordinal));
    }
}
