using System.Reflection;
using System.Text.RegularExpressions;
using DistaHilar.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Tests.Unit;

/// <summary>openapi.yaml is what clients are written against: every HTTP function is in it, and nothing else is.</summary>
public sealed partial class OpenApiContractTests
{
    [Fact]
    public void Every_http_function_is_documented_with_its_method_path_operation_id_and_security()
    {
        var documented = Documented();
        var code = typeof(AuthenticationMiddleware).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Name: m.GetCustomAttribute<FunctionAttribute>()?.Name, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Name is not null && f.Trigger is not null)
            .SelectMany(f => f.Trigger!.Methods!.Select(method => new Operation(
                method.ToUpperInvariant(),
                "/" + RouteConstraint().Replace(f.Trigger.Route!, "{$1}"),
                f.Name!,
                AnonymousFunctions.Names.Contains(f.Name!))))
            .ToList();

        Assert.Equal(code.OrderBy(o => o.OperationId).ThenBy(o => o.Method), documented.OrderBy(o => o.OperationId).ThenBy(o => o.Method));
    }

    /// <summary>Reads paths, methods, operationIds and `security: []` from the YAML by indentation (no YAML library needed).</summary>
    private static List<Operation> Documented()
    {
        var lines = File.ReadAllLines(Path.Combine(DistaHilar.LocalServices.RepoRoot.Find(), "openapi.yaml"));
        var operations = new List<Operation>();
        string? path = null;
        string? method = null;
        var inPaths = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("paths:", StringComparison.Ordinal))
            {
                inPaths = true;
                continue;
            }

            if (inPaths && line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                break;
            }

            if (PathLine().Match(line) is { Success: true } p)
            {
                path = p.Groups[1].Value;
            }
            else if (MethodLine().Match(line) is { Success: true } m)
            {
                method = m.Groups[1].Value.ToUpperInvariant();
            }
            else if (OperationLine().Match(line) is { Success: true } o && path is not null && method is not null)
            {
                operations.Add(new Operation(method, path, o.Groups[1].Value, false));
            }
            else if (line == "      security: []" && operations.Count > 0)
            {
                operations[^1] = operations[^1] with { Anonymous = true };
            }
        }

        return operations;
    }

    private sealed record Operation(string Method, string Path, string OperationId, bool Anonymous);

    [GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex(@"^  (/\S*):\s*$")]
    private static partial Regex PathLine();

    [GeneratedRegex(@"^    (get|post|put|patch|delete):\s*$")]
    private static partial Regex MethodLine();

    [GeneratedRegex(@"^      operationId: (\w+)\s*$")]
    private static partial Regex OperationLine();
}
