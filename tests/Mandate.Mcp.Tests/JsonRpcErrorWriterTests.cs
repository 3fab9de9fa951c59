using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mandate.Mcp.Tests;

public sealed class JsonRpcErrorWriterTests
{
    [Fact]
    public void Write_WithId_EchoesIdAndCode()
    {
        var body = JsonRpcErrorWriter.Write(McpWireError.HeaderMismatch("Mcp-Name does not match", "\"r1\""));

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("2.0", root.GetProperty("jsonrpc").GetString());
        Assert.Equal("r1", root.GetProperty("id").GetString());
        Assert.Equal(-32020, root.GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith("Header mismatch:", root.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(root.GetProperty("error").TryGetProperty("data", out _));
    }

    [Fact]
    public void Write_WithoutId_OmitsTheIdAsMcpsSchemaDoes()
    {
        using var document = JsonDocument.Parse(JsonRpcErrorWriter.Write(McpWireError.Parse("Parse error")));

        Assert.False(document.RootElement.TryGetProperty("id", out _));
        Assert.Equal(-32700, document.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public void Write_WithData_WritesData()
    {
        var body = JsonRpcErrorWriter.Write("5", JsonRpcErrorCodes.ApprovalPending, "approval pending", new JsonObject { ["approval_id"] = "apr_1" });

        using var document = JsonDocument.Parse(body);
        Assert.Equal("apr_1", document.RootElement.GetProperty("error").GetProperty("data").GetProperty("approval_id").GetString());
        Assert.Equal(5, document.RootElement.GetProperty("id").GetInt32());
    }
}
