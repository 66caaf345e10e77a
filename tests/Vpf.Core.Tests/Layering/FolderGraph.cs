using System.Reflection;
using System.Reflection.Emit;

namespace Vpf.Core.Tests.Layering;

/// <summary>
/// Which folders of an assembly use which: a folder is the first namespace segment below a root namespace
/// ("Vpf.Core.Training.Optimisers" is folder "Training" of root "Vpf.Core"), and a type uses every type its signatures,
/// fields, locals and method bodies (the IL's call, field and type tokens) name. Reading the IL catches what source
/// scanning of <c>using</c> lines misses: fully qualified names and references made only inside method bodies.
/// </summary>
internal static class FolderGraph
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Edges folder → folder (never a folder to itself), each with one pair of types that makes it, for messages.</summary>
    public static Dictionary<(string From, string To), string> Edges(Assembly assembly, string root)
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (var type in assembly.GetTypes())
        {
            if (FolderOf(type, root) is not { } from) continue;
            foreach (var used in Uses(type))
                if (FolderOf(used, root) is { } to && to != from)
                    edges.TryAdd((from, to), $"{type.FullName} uses {used.FullName}");
        }
        return edges;
    }

    /// <summary>One cycle of folders (first folder repeated at the end), or null when the graph has none.</summary>
    public static IReadOnlyList<string>? FindCycle(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList());
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var to in Successors(next, node))
            {
                if (state.GetValueOrDefault(to) == 1) return [.. path.Skip(path.IndexOf(to)), to];
                if (state.GetValueOrDefault(to) == 0 && Visit(to) is { } cycle) return cycle;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in next.Keys.OrderBy(x => x, StringComparer.Ordinal))
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }

    private static List<string> Successors(Dictionary<string, List<string>> next, string node) =>
        next.TryGetValue(node, out var list) ? list : [];

    private static string? FolderOf(Type type, string root)
    {
        while (type.IsNested) type = type.DeclaringType!;
        string? ns = type.Namespace;
        if (ns is null || !(ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal))) return null;
        return ns == root ? "(root)" : ns[(root.Length + 1)..].Split('.')[0];
    }

    private static IEnumerable<Type> Uses(Type type)
    {
        var named = new List<Type?> { type.BaseType };
        named.AddRange(type.GetInterfaces());
        foreach (var field in type.GetFields(Everything)) named.Add(field.FieldType);
        foreach (var property in type.GetProperties(Everything)) named.Add(property.PropertyType);
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo info) named.Add(info.ReturnType);
            named.AddRange(method.GetParameters().Select(p => p.ParameterType));
            var body = method.GetMethodBody();
            if (body is null) continue;
            named.AddRange(body.LocalVariables.Select(l => l.LocalType));
            named.AddRange(TokensOf(method, body.GetILAsByteArray() ?? []));
        }
        return named.Where(t => t is not null).SelectMany(t => Expand(t!));
    }

    /// <summary>The types named by the tokens of <paramref name="il"/>: declaring types of called methods and used fields, and type tokens.</summary>
    private static IEnumerable<Type?> TokensOf(MethodBase method, byte[] il)
    {
        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            if (!OpCodesByValue.TryGetValue(value, out var op)) yield break;
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    int token = BitConverter.ToInt32(il, i);
                    MemberInfo? member = null;
                    try
                    {
                        member = module.ResolveMember(token, typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                    }
                    yield return member as Type ?? member?.DeclaringType;
                    if (member is MethodInfo called) yield return called.ReturnType;
                    if (member is FieldInfo field) yield return field.FieldType;
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.IsGenericParameter) yield break;
        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()!)) yield return t;
            yield break;
        }
        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments())
                foreach (var t in Expand(argument)) yield return t;
    }
}
