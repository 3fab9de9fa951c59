using System.Text;

namespace Mandate.Mcp.Tests;

public sealed class McpHeaderValidatorTests
{
    private const string Modern = "2026-07-28";

    private static McpMessage Call(string name = "refund", string? metaVersion = Modern)
    {
        var meta = metaVersion is null ? string.Empty : $$""","_meta":{"io.modelcontextprotocol/protocolVersion":"{{metaVersion}}"}""";
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":" +
            System.Text.Json.JsonSerializer.Serialize(name) + ",\"arguments\":{}" + meta + "}}";
        var message = McpMessageReader.Read(Encoding.UTF8.GetBytes(body), out var error);
        Assert.Null(error);
        return message;
    }

    private static McpMessage Legacy(string method, string? name = null)
    {
        var parameters = name is null ? string.Empty : $$""","params":{"name":"{{name}}"}""";
        return McpMessageReader.Read(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}"{{parameters}}}"""), out _);
    }

    private static void AssertMismatch(McpWireError? error)
    {
        Assert.NotNull(error);
        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("1", error.IdJson);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-06-18")]
    public void ValidateWithoutBody_NoOrSupportedVersion_Passes(string? version) =>
        Assert.Null(McpHeaderValidator.ValidateWithoutBody(new(version, null, null)));

    [Fact]
    public void ValidateWithoutBody_UnsupportedVersion_ReturnsUnsupportedProtocolVersion()
    {
        var error = McpHeaderValidator.ValidateWithoutBody(new("2099-01-01", null, null));

        Assert.NotNull(error);
        Assert.Equal(JsonRpcErrorCodes.UnsupportedProtocolVersion, error.Code);
        Assert.Equal(400, error.HttpStatus);
    }

    [Fact]
    public void ValidateWithoutBody_RepeatedHeader_ReturnsHeaderMismatch()
    {
        var error = McpHeaderValidator.ValidateWithoutBody(new("2025-06-18", null, null) { Malformed = "MCP-Protocol-Version" });

        Assert.Equal(JsonRpcErrorCodes.HeaderMismatch, error?.Code);
    }

    [Fact]
    public void Validate_ModernAllHeadersAgree_Passes() =>
        Assert.Null(McpHeaderValidator.Validate(new(Modern, "tools/call", "refund"), Call()));

    [Fact]
    public void Validate_ModernNameMismatch_ReturnsHeaderMismatch() =>
        AssertMismatch(McpHeaderValidator.Validate(new(Modern, "tools/call", "lookup_order"), Call()));

    [Fact]
    public void Validate_ModernMethodMismatch_ReturnsHeaderMismatch() =>
        AssertMismatch(McpHeaderValidator.Validate(new(Modern, "tools/list", "refund"), Call()));

    [Fact]
    public void Validate_MethodDiffersOnlyInCase_ReturnsHeaderMismatch() =>
        AssertMismatch(McpHeaderValidator.Validate(new(Modern, "Tools/Call", "refund"), Call()));

    [Theory]
    [InlineData(null, "tools/call", "refund")]
    [InlineData(Modern, null, "refund")]
    [InlineData(Modern, "tools/call", null)]
    public void Validate_ModernRequiredHeaderMissing_ReturnsHeaderMismatch(string? version, string? method, string? name) =>
        AssertMismatch(McpHeaderValidator.Validate(new(version, method, name), Call()));

    [Fact]
    public void Validate_VersionHeaderDisagreesWithBodyMeta_ReturnsHeaderMismatch() =>
        AssertMismatch(McpHeaderValidator.Validate(new("2025-11-25", "tools/call", "refund"), Call()));

    [Fact]
    public void Validate_RepeatedHeader_ReturnsHeaderMismatch() =>
        AssertMismatch(McpHeaderValidator.Validate(new(Modern, "tools/call", "refund") { Malformed = "Mcp-Name" }, Call()));

    [Theory]
    // Streamable HTTP §Protocol Version Header: an unsupported version MUST be a 400, whatever else is missing.
    [InlineData("2099-01-01", "tools/call", null)]
    [InlineData("2099-01-01", null, null)]
    [InlineData("2026-07-28 ", "tools/call", "refund")]
    [InlineData("latest", null, null)]
    public void Validate_UnsupportedVersionHeader_ReturnsUnsupportedProtocolVersion_First(string version, string? method, string? name)
    {
        var error = McpHeaderValidator.Validate(new(version, method, name), Call(metaVersion: null));

        Assert.NotNull(error);
        Assert.Equal(JsonRpcErrorCodes.UnsupportedProtocolVersion, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("1", error.IdJson);
        Assert.Contains("2025-06-18", error.Message, StringComparison.Ordinal);
        Assert.Contains(McpProtocolVersions.Latest, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnsupportedVersionInBodyMetaOnly_ReturnsUnsupportedProtocolVersion()
    {
        var error = McpHeaderValidator.Validate(new(null, "tools/call", "refund"), Call(metaVersion: "2099-01-01"));

        Assert.Equal(JsonRpcErrorCodes.UnsupportedProtocolVersion, error?.Code);
    }

    [Fact]
    public void Validate_UnsupportedVersion_ErrorDataNamesSupportedAndRequested()
    {
        var error = McpHeaderValidator.Validate(new("2099-01-01", null, null), Call(metaVersion: null))!;

        using var body = System.Text.Json.JsonDocument.Parse(JsonRpcErrorWriter.Write(error, new System.Text.Json.Nodes.JsonObject { ["check_id"] = "x" }));
        var data = body.RootElement.GetProperty("error").GetProperty("data");
        Assert.Equal(McpProtocolVersions.Supported, data.GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("2099-01-01", data.GetProperty("requested").GetString());
        Assert.Equal("x", data.GetProperty("check_id").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("2024-11-05")]
    [InlineData("2025-03-26")]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    public void Validate_SupportedLegacyVersionWithoutOtherHeaders_Passes(string version) =>
        Assert.Null(McpHeaderValidator.Validate(new(version, null, null), Legacy("tools/call", "refund")));

    [Fact]
    public void Validate_LegacyWithoutHeaders_BodyIsTheTruth()
    {
        Assert.Null(McpHeaderValidator.Validate(new("2025-06-18", null, null), Legacy("tools/call", "refund")));
        Assert.Null(McpHeaderValidator.Validate(new(null, null, null), Legacy("tools/call", "refund")));
    }

    [Fact]
    public void Validate_LegacyWithDisagreeingHeader_ReturnsHeaderMismatch()
    {
        AssertMismatch(McpHeaderValidator.Validate(new("2025-11-25", "tools/call", "other"), Legacy("tools/call", "refund")));
        AssertMismatch(McpHeaderValidator.Validate(new(null, "tools/list", null), Legacy("tools/call", "refund")));
    }

    [Fact]
    public void Validate_NameHeaderOnMethodWithoutName_ReturnsHeaderMismatch() =>
        AssertMismatch(McpHeaderValidator.Validate(new("2025-11-25", "ping", "x"), Legacy("ping")));

    [Fact]
    public void Validate_Base64SentinelName_IsDecodedBeforeComparing()
    {
        var name = "Hello, 世界";
        var encoded = "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(name)) + "?=";

        Assert.Null(McpHeaderValidator.Validate(new(Modern, "tools/call", encoded), Call(name)));
    }

    [Fact]
    public void Validate_SentinelLookingLiteral_MustBeEncoded()
    {
        var literal = "=?base64?literal?=";
        var encoded = "=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(literal)) + "?=";

        Assert.Null(McpHeaderValidator.Validate(new(Modern, "tools/call", encoded), Call(literal)));
        AssertMismatch(McpHeaderValidator.Validate(new(Modern, "tools/call", literal), Call(literal)));
    }

    [Fact]
    public void Validate_UppercaseMarkers_AreAPlainValue()
    {
        var upper = "=?BASE64?" + Convert.ToBase64String("refund"u8) + "?=";

        AssertMismatch(McpHeaderValidator.Validate(new(Modern, "tools/call", upper), Call()));
    }

    [Theory]
    [InlineData("=?base64?cmVmdW5k?=x")]
    [InlineData("=?base64?not base64?=")]
    [InlineData("=?base64?cmVmdW5?=")]
    [InlineData("=?base64?/w==?=")]
    [InlineData("ref\u00fcnd")]
    [InlineData("ref\u0001und")]
    public void Validate_MalformedName_ReturnsHeaderMismatch(string header) =>
        AssertMismatch(McpHeaderValidator.Validate(new(Modern, "tools/call", header), Call()));

    [Fact]
    public void Validate_ModernNotificationWithoutMethodHeader_Passes()
    {
        var notification = McpMessageReader.Read(
            """{"jsonrpc":"2.0","method":"notifications/x","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"""u8.ToArray(), out _);

        Assert.Null(McpHeaderValidator.Validate(new(Modern, null, null), notification));
    }

    [Fact]
    public void EffectiveVersion_PrefersHeaderThenBodyThenAssumed()
    {
        Assert.Equal("2025-06-18", McpHeaderValidator.EffectiveVersion(new("2025-06-18", null, null), Legacy("ping")));
        Assert.Equal(Modern, McpHeaderValidator.EffectiveVersion(new(null, null, null), Call()));
        Assert.Equal("2025-03-26", McpHeaderValidator.EffectiveVersion(new(null, null, null), Legacy("ping")));
    }

    [Fact]
    public void Read_RepeatedHeader_IsMarkedNeverJoined()
    {
        var values = new Dictionary<string, string?[]>(StringComparer.OrdinalIgnoreCase)
        {
            [McpHeaderNames.ProtocolVersion] = [Modern],
            [McpHeaderNames.Name] = ["refund", "lookup_order"],
        };

        var headers = McpRequestHeaders.Read(name => values.TryGetValue(name, out var v) ? v : []);

        Assert.Equal(Modern, headers.ProtocolVersion);
        Assert.Null(headers.Method);
        Assert.Null(headers.Name);
        Assert.Equal(McpHeaderNames.Name, headers.Malformed);
        AssertMismatch(McpHeaderValidator.Validate(headers, Call()));
    }
}
