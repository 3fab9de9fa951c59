using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Mandate.Policy;

/// <summary>
/// Turns policy YAML into <see cref="PolicyYamlNode"/>s, reporting structural problems (duplicate
/// keys, aliases, non-scalar keys, several documents) without stopping at the first one. A syntax
/// error does stop the read: past it the parser's view of the document is a guess.
/// </summary>
internal static class PolicyYamlReader
{
    // The policy shape is four levels deep; anything far deeper is a mistake or an attack on the stack.
    private const int MaxDepth = 32;

    public static PolicyYamlNode? Read(string text, List<PolicyProblem> problems)
    {
        var lines = text.Split('\n');
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                problems.Add(new(string.Empty, 0, 0, "the policy file is empty; write 'rules: []' to deny everything"));
                return null;
            }

            parser.Consume<DocumentStart>();
            var read = new ReadState(lines, problems);
            var root = ReadNode(parser, read, string.Empty, 0);
            if (read.Stopped)
            {
                return null;
            }

            parser.Consume<DocumentEnd>();
            if (parser.Current is DocumentStart extra)
            {
                problems.Add(Problem(string.Empty, extra.Start, "a policy file holds one YAML document; remove the second '---' document"));
                return null;
            }

            return root;
        }
        catch (YamlException e)
        {
            // A bare '*' (as in tools: [*]) starts a YAML alias; say what was probably meant.
            var hint = e.Message.Contains("anchor or alias", StringComparison.Ordinal)
                ? " (a bare '*' starts a YAML alias; quote it, '*', to mean every tool)"
                : string.Empty;
            problems.Add(Problem(string.Empty, e.Start, $"malformed YAML: {e.Message}{hint}"));
            return null;
        }
        catch (Exception e) when (YamlText.IsSyntaxError(e))
        {
            // Not a YamlException: no position of its own (YamlText.IsSyntaxError says which).
            var at = parser.Current?.Start ?? Mark.Empty;
            problems.Add(Problem(string.Empty, at, "malformed YAML near here (check brackets, quotes and '!' tags)"));
            return null;
        }
    }

    private static PolicyYamlNode? ReadNode(IParser parser, ReadState read, string path, int depth)
    {
        var problems = read.Problems;
        if (PolicyParser.TooMany(problems))
        {
            read.Stop();
            return null;
        }

        var current = parser.Current ?? throw new YamlException("unexpected end of the YAML stream");
        if (current is AnchorAlias alias)
        {
            problems.Add(Problem(path, alias.Start, "YAML aliases ('*name') are not supported in policy files; repeat the value"));
            parser.MoveNext();
            return null;
        }

        if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
        {
            problems.Add(Problem(path, anchored.Start, "YAML anchors ('&name') are not supported in policy files; repeat the value"));
        }

        // A tag ('!!null 5m', '!!python/object') gives the value another meaning to every other YAML reader of the
        // file, so a review could read the rule differently from the broker; the policy format has no use for one.
        if (current is NodeEvent { Tag.IsEmpty: false } tagged)
        {
            var tag = tagged.Tag.Value.Replace("tag:yaml.org,2002:", "!!", StringComparison.Ordinal);
            problems.Add(Problem(path, tagged.Start, $"YAML tags ('{tag}') are not supported in policy files; remove the tag"));
        }

        if (depth > MaxDepth)
        {
            // Stop rather than skip: the YAML scanner's work per token grows with the nesting, so reading a
            // deeply nested value to its end takes time quadratic in its depth (minutes for a few hundred KiB).
            problems.Add(Problem(path, current.Start, $"nested deeper than {MaxDepth} levels; the file is not read past this point"));
            read.Stop();
            return null;
        }

        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return new PolicyYamlScalar(path, Line(scalar.Start), Column(scalar.Start), scalar.Value, IsNull(scalar), StyleOf(scalar), BlockIndent(scalar, read.Lines));
            case SequenceStart start:
                parser.MoveNext();
                return ReadSequence(parser, read, path, start, depth);
            case MappingStart start:
                parser.MoveNext();
                return ReadMapping(parser, read, path, start, depth);
            default:
                throw new YamlException(current.Start, current.End, $"unexpected YAML event {current.GetType().Name}");
        }
    }

    private static PolicyYamlSequence ReadSequence(IParser parser, ReadState read, string path, SequenceStart start, int depth)
    {
        var items = new List<PolicyYamlNode>();
        while (!read.Stopped && !parser.TryConsume<SequenceEnd>(out _))
        {
            var item = ReadNode(parser, read, $"{path}[{items.Count}]", depth + 1);
            if (item is not null)
            {
                items.Add(item);
            }
        }

        return new PolicyYamlSequence(path, Line(start.Start), Column(start.Start), items);
    }

    private static PolicyYamlMapping ReadMapping(IParser parser, ReadState read, string path, MappingStart start, int depth)
    {
        var problems = read.Problems;
        var entries = new List<KeyValuePair<PolicyYamlScalar, PolicyYamlNode>>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        while (!read.Stopped && !parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(parser, read, path, depth + 1);
            var key = keyNode as PolicyYamlScalar;
            var childPath = key is null ? path : Join(path, key.Value);
            var value = read.Stopped ? null : ReadNode(parser, read, childPath, depth + 1);
            if (key is null)
            {
                if (keyNode is not null)
                {
                    problems.Add(new(path, keyNode.Line, keyNode.Column, "mapping keys must be plain names, not lists or mappings"));
                }

                continue;
            }

            if (seen.TryGetValue(key.Value, out var firstLine))
            {
                problems.Add(new(childPath, key.Line, key.Column, $"duplicate key '{key.Value}' (first set on line {firstLine})"));
                continue;
            }

            seen.Add(key.Value, key.Line);
            if (value is not null)
            {
                entries.Add(new(key, value));
            }
        }

        return new PolicyYamlMapping(path, Line(start.Start), Column(start.Start), entries);
    }

    private static PolicyScalarStyle StyleOf(Scalar scalar) => scalar.Style switch
    {
        ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => PolicyScalarStyle.Quoted,
        ScalarStyle.Literal or ScalarStyle.Folded => PolicyScalarStyle.Block,
        _ => PolicyScalarStyle.Plain,
    };

    // A block scalar's content starts on the line after its indicator; its indentation is that of the first non-blank line.
    private static int BlockIndent(Scalar scalar, string[] lines)
    {
        if (scalar.Style is not (ScalarStyle.Literal or ScalarStyle.Folded))
        {
            return 0;
        }

        for (var i = (int)Math.Min(scalar.Start.Line, int.MaxValue); i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length > 0)
            {
                return line.Length - line.TrimStart(' ').Length;
            }
        }

        return 0;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    // YAML core schema: only unquoted empty, '~' and the spellings of null are null.
    private static bool IsNull(Scalar scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
        && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

    private static PolicyProblem Problem(string path, Mark mark, string message) =>
        new(path, Line(mark), Column(mark), message);

    private static int Line(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);

    private static int Column(Mark mark) => (int)Math.Min(mark.Column, int.MaxValue);

    /// <summary>What one read shares: the text's lines, the problems found, and whether the read has stopped.</summary>
    private sealed class ReadState(string[] lines, List<PolicyProblem> problems)
    {
        public string[] Lines { get; } = lines;

        public List<PolicyProblem> Problems { get; } = problems;

        /// <summary>True once a value nested too deeply or too many problems were met: nothing after it is read.</summary>
        public bool Stopped { get; private set; }

        public void Stop() => Stopped = true;
    }
}
