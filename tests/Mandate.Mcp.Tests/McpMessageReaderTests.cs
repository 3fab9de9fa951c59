using System.Text;
using System.Text.Json;

namespace Mandate.Mcp.Tests;

public sealed class McpMessageReaderTests
{
    private static McpMessage Read(string body, out McpWireError? error) =>
        McpMessageReader.Read(Encoding.UTF8.GetBytes(body), out error);

    private static McpWireError AssertRefused(string body, int code)
    {
        Read(body, out var error);

        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(400, error.HttpStatus);
        return error;
    }

    [Fact]
    public void Read_ToolsCall_ReturnsMethodIdNameArgumentsAndVersion()
    {
        var message = Read("""
            {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"refund","arguments":{"amount":50},
             "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}
            """, out var error);

        Assert.Null(error);
        Assert.Equal(McpMessageKind.Request, message.Kind);
        Assert.Equal("tools/call", message.Method);
        Assert.Equal("7", message.IdJson);
        Assert.Equal("refund", message.Name);
        Assert.Equal(50, message.Arguments.GetProperty("amount").GetInt32());
        Assert.Equal("2026-07-28", message.BodyProtocolVersion);
    }

    [Fact]
    public void Read_StringId_KeepsRawJson()
    {
        var message = Read("""{"jsonrpc":"2.0","id":"a\"b","method":"ping"}""", out var error);

        Assert.Null(error);
        Assert.Equal("\"a\\\"b\"", message.IdJson);
    }

    [Fact]
    public void Read_ToolsCallWithoutArguments_ReadsEmptyObject()
    {
        var message = Read("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup"}}""", out var error);

        Assert.Null(error);
        Assert.Equal(JsonValueKind.Object, message.Arguments.ValueKind);
        Assert.Empty(message.Arguments.EnumerateObject());
    }

    [Fact]
    public void Read_ResourcesRead_NameIsUri()
    {
        var message = Read("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a","name":"x"}}""", out _);

        Assert.Equal("file:///a", message.Name);
    }

    [Fact]
    public void Read_Notification_HasNoId()
    {
        var message = Read("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", out var error);

        Assert.Null(error);
        Assert.Equal(McpMessageKind.Notification, message.Kind);
        Assert.Null(message.IdJson);
    }

    [Fact]
    public void Read_Response_IsResponseKind()
    {
        var message = Read("""{"jsonrpc":"2.0","id":3,"result":{}}""", out var error);

        Assert.Null(error);
        Assert.Equal(McpMessageKind.Response, message.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"jsonrpc\":\"2.0\",}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"method\":\"tools/call\"}")]
    public void Read_NotOneJsonDocument_ReturnsParseError(string body)
    {
        Read(body, out var error);

        Assert.NotNull(error);
        Assert.Equal(JsonRpcErrorCodes.ParseError, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Null(error.IdJson);
    }

    [Fact]
    public void Read_InvalidUtf8InAString_ReturnsParseError()
    {
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"XX"}}""");
        body[Array.IndexOf(body, (byte)'X')] = 0xBB;

        McpMessageReader.Read(body, out var error);

        Assert.Equal(JsonRpcErrorCodes.ParseError, error!.Code);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a\ud800"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{"k\ud800":1}}}""")]
    public void Read_LoneSurrogateEscape_ReturnsParseError(string body)
    {
        Read(body, out var error);

        Assert.Equal(JsonRpcErrorCodes.ParseError, error!.Code);
    }

    [Fact]
    public void Read_DuplicateArgument_ReturnsParseError()
    {
        Read("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund","arguments":{"amount":1,"amount":1000}}}""", out var error);

        Assert.Equal(JsonRpcErrorCodes.ParseError, error!.Code);
    }

    [Fact]
    public void Read_Batch_ReturnsInvalidRequestNamingBatches()
    {
        Read("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", out var error);

        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, error!.Code);
        Assert.Contains("batch", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"x\"")]
    [InlineData("{\"id\":1,\"method\":\"ping\"}")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[]}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"refund\"}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"refund\"},\"result\":{}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"error\":{\"code\":1,\"message\":\"x\"}}")]
    public void Read_NotAnAcceptableMessage_ReturnsInvalidRequest(string body) =>
        AssertRefused(body, JsonRpcErrorCodes.InvalidRequest);

    [Theory]
    // JSON-RPC allows any number, MCP an integer; the C# MCP SDK reads only plain integer spellings as an id, so an
    // integer with an exponent or a fraction is refused here (400) rather than failing inside the MCP server.
    [InlineData("1e2")]
    [InlineData("1E2")]
    [InlineData("100.0")]
    [InlineData("1e400")]
    public void Read_IntegerIdWithExponentOrFraction_ReturnsInvalidRequestNamingTheSpelling(string id)
    {
        McpMessageReader.Read(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"), out var error);

        Assert.NotNull(error);
        Assert.Equal(JsonRpcErrorCodes.InvalidRequest, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Contains("not 1e2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":5}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"arguments\":[1]}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"name\":\"a\"}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":null}}")]
    public void Read_RequestWithWrongParams_ReturnsInvalidParamsEchoingTheId(string body) =>
        Assert.Equal("1", AssertRefused(body, JsonRpcErrorCodes.InvalidParams).IdJson);

    [Fact]
    public void Read_InvalidParamsWithReadableId_EchoesId()
    {
        Read("""{"jsonrpc":"2.0","id":"r1","method":"tools/call","params":{"name":5}}""", out var error);

        Assert.Equal("\"r1\"", error!.IdJson);
    }

    [Fact]
    public void Read_DeepNesting_ReturnsParseError()
    {
        var deep = new string('[', 200) + new string(']', 200);
        Read("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"arguments\":{\"x\":" + deep + "}}}", out var error);

        Assert.Equal(JsonRpcErrorCodes.ParseError, error!.Code);
    }
}
