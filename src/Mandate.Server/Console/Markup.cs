using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using Mandate.Core.Protocol;

namespace Mandate.Server.Console;

/// <summary>
/// HTML that is safe to write as is. Built only from literals and <see cref="MarkupBuilder"/> holes: every hole
/// that is not itself markup is HTML-encoded, so a value from the store or a request can never become markup, and its
/// controls and bidirectional overrides are shown written out (<see cref="VisibleText"/>), so it cannot reorder the page.
/// </summary>
internal sealed record Markup(string Value)
{
    public static readonly Markup Empty = new("");

    public static Markup Of(ref MarkupBuilder html) => html.Build();

    public static Markup Join(IEnumerable<Markup> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public override string ToString() => Value;
}

/// <summary>Interpolated-string handler behind <see cref="Markup.Of"/>: literals pass, holes are encoded.</summary>
[InterpolatedStringHandler]
internal ref struct MarkupBuilder
{
    private readonly StringBuilder _html;

    public MarkupBuilder(int literalLength, int formattedCount)
    {
        _html = new StringBuilder(literalLength + (formattedCount * 16));
    }

    public readonly void AppendLiteral(string literal) => _html.Append(literal);

    public readonly void AppendFormatted<T>(T value)
    {
        switch (value)
        {
            case Markup markup:
                _html.Append(markup.Value);
                break;
            case IEnumerable<Markup> parts:
                foreach (var part in parts)
                {
                    _html.Append(part.Value);
                }

                break;
            default:
                _html.Append(HtmlEncoder.Default.Encode(VisibleText.Of(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "")));
                break;
        }
    }

    public readonly void AppendFormatted<T>(T value, string? format)
        where T : IFormattable =>
        _html.Append(HtmlEncoder.Default.Encode(VisibleText.Of(value.ToString(format, System.Globalization.CultureInfo.InvariantCulture))));

    public readonly Markup Build() => new(_html.ToString());
}
