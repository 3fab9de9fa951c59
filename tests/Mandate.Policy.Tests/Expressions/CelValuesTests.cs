using System.Text.Json;
using Mandate.Policy.Expressions;

namespace Mandate.Policy.Tests.Expressions;

public sealed class CelValuesTests
{
    [Theory]
    [InlineData("\"refu\\ud800nd\"")]
    [InlineData("[\"a\", {\"b\": \"\\udc00\"}]")]
    [InlineData("{\"le\\ud800vel\": 3}")]
    public void Invariant7_JsonEscapingAnUnpairedSurrogate_BecomesAnErrorValueNotAnException(string json)
    {
        // RFC 8259 section 8.2: such JSON is valid but its strings are not Unicode text; a condition over it must fail closed.
        using var document = JsonDocument.Parse(json);

        var value = CelValues.FromJson(document.RootElement);

        Assert.IsType<CelError>(value);
    }

    [Fact]
    public void FromJson_PairedSurrogateEscape_IsText()
    {
        using var document = JsonDocument.Parse("\"\\ud83d\\ude00\"");

        Assert.Equal("\U0001F600", CelValues.FromJson(document.RootElement));
    }
}
