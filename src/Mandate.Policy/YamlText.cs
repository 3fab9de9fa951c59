using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Mandate.Policy;

/// <summary>
/// Loads YAML text into a node tree, turning every syntax slip into a located problem with a hint
/// instead of a parser exception, so configuration and policy tests report it as <c>file:line:column</c>.
/// </summary>
public static partial class YamlText
{
    /// <summary>Parses <paramref name="text"/>; on a syntax error returns null and sets <paramref name="error"/>.</summary>
    public static YamlStream? TryLoad(string text, out YamlSyntaxError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new CollectionTrackingParser(new Parser(new StringReader(text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
            error = null;
            return stream;
        }
        catch (Exception e) when (IsSyntaxError(e))
        {
            var aboutFlow = e is not YamlException || e.Message.Contains("flow ", StringComparison.Ordinal);
            error = aboutFlow && parser.UnclosedFlowCollection is { } open
                ? Unclosed(open)
                : e is YamlException y
                    ? new YamlSyntaxError((int)y.Start.Line, (int)y.Start.Column, $"{Describe(y.Message)}{HintFor(y.Message)}")
                    : At(parser.Current?.Start ?? Mark.Empty, "malformed YAML near here; check that every '[' and '{' is closed and every quote ends");
        }

        return null;
    }

    /// <summary>
    /// Whether the YAML parser threw <paramref name="e"/> over the text it read. YamlDotNet 16 throws InvalidOperationException
    /// instead of a YamlException for some malformed flow collections, and ArgumentException for a tag that is not a URI
    /// (<c>!!a[b</c>) or an event of an unsupported type. Either type thrown by anything but the parser is a bug, not bad input.
    /// </summary>
    internal static bool IsSyntaxError(Exception e) =>
        e is YamlException || e is InvalidOperationException or ArgumentException && e.Source == "YamlDotNet";

    // The parser notices a missing ']' only where the text ends or the next key starts; the '[' it belongs to is what to fix.
    private static YamlSyntaxError Unclosed(NodeEvent open)
    {
        var (opening, closing, what) = open is SequenceStart ? ('[', ']', "list") : ('{', '}', "mapping");
        return At(open.Start, $"this '{opening}' is never closed; end the {what} with '{closing}' and separate its items with commas");
    }

    private static YamlSyntaxError At(Mark mark, string message) => new((int)mark.Line, (int)mark.Column, message);

    // YamlDotNet prefixes its message with "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the location is printed separately.
    private static string Describe(string message) => LocationPrefix().Replace(message, string.Empty).TrimEnd('.');

    private static string HintFor(string message) => message switch
    {
        _ when message.Contains("anchor or alias", StringComparison.Ordinal) => " (a bare '*' starts a YAML alias; quote it: '*')",
        _ when message.Contains("nested deeper", StringComparison.Ordinal) => "; the file is not read past this point",
        _ when message.Contains("flow sequence", StringComparison.Ordinal) => "; check that the list's '[' is closed with ']' and its items are separated by commas",
        _ when message.Contains("flow mapping", StringComparison.Ordinal) => "; check that the mapping's '{' is closed with '}' and its entries are separated by commas",
        _ when message.Contains("quoted scalar", StringComparison.Ordinal) => "; check that every quote is closed on the same value",
        _ when message.Contains("mapping values are not allowed", StringComparison.Ordinal) || message.Contains("block mapping", StringComparison.Ordinal)
            => "; check the indentation of this key and the one above it, and quote values that contain ': '",
        _ => "; check the indentation, brackets and quotes here",
    };

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex LocationPrefix();

    /// <summary>
    /// Remembers which collections are open, so a syntax error can point at the '[' or '{' left unclosed, and stops
    /// at <see cref="MaxDepth"/>: the scanner's work per token grows with the nesting and loading recurses per level.
    /// </summary>
    private sealed class CollectionTrackingParser(IParser inner) : IParser
    {
        // Configuration and policy test files nest a handful of levels (authorization_details and MCP arguments up to 32).
        private const int MaxDepth = 64;

        private readonly Stack<NodeEvent> _open = new();

        public ParsingEvent? Current => inner.Current;

        /// <summary>The innermost open flow collection ('[' or '{'), if any.</summary>
        public NodeEvent? UnclosedFlowCollection =>
            _open.FirstOrDefault(e => e is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow });

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            switch (inner.Current)
            {
                case SequenceStart or MappingStart:
                    _open.Push((NodeEvent)inner.Current);
                    if (_open.Count > MaxDepth)
                    {
                        _open.Clear();
                        throw new YamlException(inner.Current.Start, inner.Current.End, $"nested deeper than {MaxDepth} levels");
                    }

                    break;
                case SequenceEnd or MappingEnd when _open.Count > 0:
                    _open.Pop();
                    break;
            }

            return moved;
        }
    }
}
