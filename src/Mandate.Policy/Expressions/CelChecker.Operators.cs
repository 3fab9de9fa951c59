using K = Mandate.Policy.Expressions.CelTokenKind;

namespace Mandate.Policy.Expressions;

/// <summary>Type rules of the logical, relational and membership operators.</summary>
internal sealed partial class CelChecker
{
    private CelType Binary(CelBinary b)
    {
        var left = TypeOf(b.Left);
        var right = TypeOf(b.Right);
        switch (b.Operator)
        {
            case K.And:
            case K.Or:
                RequireBool(b.Left, left, $"the left side of '{Symbol(b.Operator)}'");
                RequireBool(b.Right, right, $"the right side of '{Symbol(b.Operator)}'");
                return CelType.Bool;
            case K.Equal:
            case K.NotEqual:
                if (!Comparable(left, right, ordering: false))
                {
                    Report(b.Offset, $"comparing {left.Name} with {right.Name} is always {(b.Operator == K.Equal ? "false" : "true")}; compare values of the same type");
                }

                return CelType.Bool;
            case K.Less:
            case K.LessEqual:
            case K.Greater:
            case K.GreaterEqual:
                if (!Comparable(left, right, ordering: true))
                {
                    Report(b.Offset, $"cannot order {left.Name} and {right.Name} with '{Symbol(b.Operator)}'");
                }

                return CelType.Bool;
            case K.In:
                return In(b, left, right);
            default:
                return CelArithmetic.CheckBinary(this, b, left, right);
        }
    }

    private CelType In(CelBinary b, CelType left, CelType right)
    {
        switch (right.Kind)
        {
            case CelKind.Dyn:
                break;
            case CelKind.List when !Comparable(left, right.Element!, ordering: false):
                Report(b.Offset, $"a {left.Name} is never in a {right.Name}");
                break;
            case CelKind.Map or CelKind.Object when left.Kind is not (CelKind.String or CelKind.Dyn):
                Report(b.Offset, $"map keys are strings, so a {left.Name} is never in a {right.Name}");
                break;
            case CelKind.List or CelKind.Map or CelKind.Object:
                break;
            default:
                Report(b.Right.Offset, $"'in' needs a list or map on the right, found {right.Name}");
                break;
        }

        return CelType.Bool;
    }

    private static bool Comparable(CelType a, CelType b, bool ordering)
    {
        if (a.Kind == CelKind.Dyn || b.Kind == CelKind.Dyn)
        {
            return true;
        }

        if (a.IsNumber && b.IsNumber)
        {
            return true;
        }

        if (!ordering && (a.Kind == CelKind.Null || b.Kind == CelKind.Null))
        {
            // Comparing with null is how absent optional values are tested.
            return true;
        }

        if (a.Kind != b.Kind)
        {
            return false;
        }

        return !ordering || a.Kind is CelKind.String or CelKind.Bool or CelKind.Timestamp or CelKind.Duration;
    }
}
