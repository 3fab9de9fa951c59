namespace Mandate.Policy.Tests.Expressions.Conformance;

/// <summary>
/// One test of a cel-spec <c>SimpleTestFile</c>: the expression, its declarations and bindings, and what it
/// must give (a value, or any evaluation error). A test without an expected result expects <c>true</c>.
/// </summary>
internal sealed record CelConformanceCase(
    string Id,
    string Expression,
    string? Container,
    bool CheckOnly,
    IReadOnlyList<TextProtoMessage> Declarations,
    IReadOnlyDictionary<string, TextProtoMessage> Bindings,
    TextProtoMessage? ExpectedValue,
    bool ExpectsError,
    string? UnsupportedMatcher)
{
    /// <summary>Reads every test of every <c>*.textproto</c> file in <paramref name="folder"/>, in file order.</summary>
    public static IReadOnlyList<CelConformanceCase> LoadAll(string folder)
    {
        var cases = new List<CelConformanceCase>();
        foreach (var path in Directory.GetFiles(folder, "*.textproto").Order(StringComparer.Ordinal))
        {
            var file = TextProto.Parse(File.ReadAllText(path));
            var fileName = file.Scalar("name") ?? Path.GetFileNameWithoutExtension(path);
            foreach (var section in file.Messages("section"))
            {
                foreach (var test in section.Messages("test"))
                {
                    cases.Add(From($"{fileName}/{section.Scalar("name")}/{test.Scalar("name")}", test));
                }
            }
        }

        return cases;
    }

    private static CelConformanceCase From(string id, TextProtoMessage test)
    {
        var bindings = new Dictionary<string, TextProtoMessage>(StringComparer.Ordinal);
        foreach (var binding in test.Messages("bindings"))
        {
            bindings[binding.Scalar("key")!] = binding.Message("value")!;
        }

        var expected = test.Message("value");
        var expectsError = test.Has("eval_error") || test.Has("any_eval_errors");
        string? unsupported = null;
        if (test.Message("typed_result") is { } typed)
        {
            // The deduced type is the checker's business; the value, when given, is still compared.
            expected = typed.Message("result");
            unsupported = expected is null ? "typed_result without a value" : null;
        }
        else if (test.Has("unknown") || test.Has("any_unknowns"))
        {
            unsupported = "unknown-value results";
        }
        else if (expected is null && !expectsError)
        {
            expected = TextProto.Parse("bool_value: true");
        }

        return new CelConformanceCase(
            id,
            test.Scalar("expr") ?? throw new FormatException($"{id}: no expr"),
            test.Scalar("container"),
            test.Scalar("check_only") == "true",
            [.. test.Messages("type_env")],
            bindings,
            expected,
            expectsError,
            unsupported);
    }
}
