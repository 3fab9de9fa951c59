namespace Mandate.Mcp.Tests;

/// <summary>Streamable HTTP posts application/json; JSON between systems is UTF-8 (RFC 8259 §8.1).</summary>
public sealed class McpContentTypeTests
{
    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    public void Check_Utf8Json_IsAccepted(string contentType) => Assert.Null(McpContentType.Check(contentType));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("application/jsonx")]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=\"\u001b[2J\"")]
    [InlineData("not a media type at all;;;")]
    public void Check_AnythingElse_Is415InvalidRequest(string? contentType)
    {
        var error = McpContentType.Check(contentType);

        Assert.NotNull(error);
        Assert.Equal(415, error.HttpStatus);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, error.Code);
        Assert.DoesNotContain('\u001b', error.Message);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(McpMessageReader.MaxToolNameLength, true)]
    [InlineData(McpMessageReader.MaxToolNameLength + 1, false)]
    [InlineData(0, false)]
    public void Read_ToolNameLength_IsBoundedByTheSpec(int length, bool accepted)
    {
        var body = System.Text.Encoding.UTF8.GetBytes($$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"{{{new string('a', length)}}}"}}""");

        McpMessageReader.Read(body, out var error);

        Assert.Equal(accepted, error is null);
        if (!accepted)
        {
            Assert.Equal(JsonRpcErrorCodes.InvalidParams, error!.Code);
        }
    }
}
