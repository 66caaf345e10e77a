namespace Vpf.Core.Tests.Layering;

/// <summary>Core's folders form layers: no two folders depend on each other, directly or through others.</summary>
public sealed class FolderDependencyTests
{
    [Fact]
    public void No_folder_of_Core_depends_on_itself_through_others()
    {
        var edges = FolderGraph.Edges(typeof(VpfException).Assembly, "Vpf.Core");
        var cycle = FolderGraph.FindCycle(edges.Keys);
        Assert.True(cycle is null, cycle is null ? "" :
            $"Core's folders depend on each other in a cycle: {string.Join(" → ", cycle)}; " +
            string.Join("; ", cycle.Zip(cycle.Skip(1)).Select(e => edges[(e.First, e.Second)])) + ". Move the shared piece to the lower folder.");
    }

    [Fact]
    public void The_scan_sees_the_layers_Core_is_known_to_have()
    {
        var edges = FolderGraph.Edges(typeof(VpfException).Assembly, "Vpf.Core");
        // Persistence records how a model was trained; evaluation runs a method's objective; training reads data and builds machines.
        Assert.Contains(("Persistence", "Training"), edges.Keys);
        Assert.Contains(("Evaluation", "Training"), edges.Keys);
        Assert.Contains(("Training", "Data"), edges.Keys);
        Assert.Contains(("Training", "Model"), edges.Keys);
        Assert.DoesNotContain(("Model", "Training"), edges.Keys);
    }

    [Fact]
    public void A_cycle_made_only_inside_method_bodies_is_found()
    {
        // The two fixture folders below call each other only from method bodies: no field, signature or using line shows it.
        var edges = FolderGraph.Edges(typeof(FolderDependencyTests).Assembly, "Vpf.Core.Tests.Layering.Fixture");
        Assert.Equal(["Lower", "Upper", "Lower"], FolderGraph.FindCycle(edges.Keys));
        Assert.Equal(2, edges.Count);
    }

    [Fact]
    public void A_graph_without_cycles_has_none_and_a_longer_cycle_is_reported_in_order()
    {
        Assert.Null(FolderGraph.FindCycle([("A", "B"), ("B", "C"), ("A", "C")]));
        Assert.Equal(["A", "B", "C", "A"], FolderGraph.FindCycle([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")]));
    }
}
