namespace DistaHilar.Functions.Http;

/// <summary>A list answered whole (not paginated), still shaped <c>{items}</c> like every other list.</summary>
public sealed record ItemList<T>(IReadOnlyList<T> Items);
