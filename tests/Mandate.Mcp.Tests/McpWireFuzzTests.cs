using System.Text;

namespace Mandate.Mcp.Tests;

/// <summary>Seeded mutations of valid messages and headers: the reader and the validator answer every input, never throw.</summary>
public sealed class McpWireFuzzTests
{
    private static readonly string[] Seeds =
    [
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"refund","arguments":{"amount":50,"note":"é"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""",
        """{"jsonrpc":"2.0","id":"x","method":"resources/read","params":{"uri":"file:///a"}}""",
        """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
        """[{"jsonrpc":"2.0","id":1,"method":"ping"}]""",
        """{"jsonrpc":"2.0","id":3,"result":{"tools":[]}}""",
        """{"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"\ud83d\ude00","arguments":{"k":"\u00e9"}}}""",
    ];

    private static readonly string[] HeaderValues = ["refund", "tools/call", "2026-07-28", "2025-06-18", "=?base64?cmVmdW5k?=", "=?base64?", "?=", "", " ", "=?base64?////?=", "\u00e9"];

    [Fact]
    public void ReadAndValidate_MutatedInput_AlwaysAnswers()
    {
        var random = new Random(1307);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
            Mutate(bytes, random);
            var message = McpMessageReader.Read(bytes, out var error);
            if (error is not null)
            {
                Assert.Contains(error.Code, new[] { JsonRpcErrorCodes.ParseError, JsonRpcErrorCodes.InvalidRequest, JsonRpcErrorCodes.InvalidParams });
                Assert.Equal(400, error.HttpStatus);
                continue;
            }

            var headers = new McpRequestHeaders(Pick(random), Pick(random), Pick(random));
            var mismatch = McpHeaderValidator.Validate(headers, message);
            Assert.True(mismatch is null || (mismatch.Code is JsonRpcErrorCodes.HeaderMismatch or JsonRpcErrorCodes.UnsupportedProtocolVersion && mismatch.HttpStatus == 400));
        }
    }

    [Fact]
    public void FilterJson_MutatedToolsList_AlwaysAnswersJson()
    {
        var random = new Random(2026);
        const string list = """{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"a"},{"name":"b\u00e9","inputSchema":{"type":"object"}}]}}""";
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(list);
            Mutate(bytes, random);
            var filtered = McpToolsListFilter.FilterJson(bytes, name => name == "a");
            Assert.NotEmpty(filtered);
        }
    }

    private static string? Pick(Random random) => random.Next(4) == 0 ? null : HeaderValues[random.Next(HeaderValues.Length)];

    private static void Mutate(byte[] bytes, Random random)
    {
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }
    }
}
