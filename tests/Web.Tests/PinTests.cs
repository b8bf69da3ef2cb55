namespace Chat.Web.Tests;

/// <summary>Issue 25 in the browser: a pin made on one side shows on the other at once (the pinned bar, the mark, the system message), and so does its unpinning.</summary>
[Collection(WebCollection.Name)]
public sealed class PinTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task A_message_pinned_by_one_member_appears_pinned_on_the_other_side_and_goes_when_unpinned()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);
        await People.SendAsync(alice, "meet at five");
        await People.SendAsync(alice, "by the fountain");
        await People.Conversation(bob, aliceName).ClickAsync();
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["meet at five", "by the fountain"]);
        var alicesPins = alice.GetByRole(AriaRole.Region, new() { Name = "Pinned messages" });
        await Expect(alicesPins).ToBeHiddenAsync();

        // In a direct chat either member may pin: bob pins alice's message.
        await People.MessageOf(bob, "meet at five").GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = true }).ClickAsync();
        await Expect(alicesPins).ToBeVisibleAsync();
        await Expect(alicesPins.GetByRole(AriaRole.Heading)).ToHaveTextAsync("1 pinned message");
        await Expect(alicesPins.Locator(".pinned-open")).ToHaveTextAsync(["You: meet at five"]);
        await Expect(People.MessageOf(alice, "meet at five").GetByText("Pinned", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(People.MessageOf(alice, "by the fountain").GetByText("Pinned", new() { Exact = true })).ToBeHiddenAsync();
        await Expect(alice.GetByText($"{bobName} pinned a message")).ToBeVisibleAsync();
        await Expect(People.MessageOf(bob, "meet at five").GetByRole(AriaRole.Button, new() { Name = "Unpin", Exact = true })).ToBeVisibleAsync();

        // alice unpins it from the bar: gone on bob's side.
        await alicesPins.GetByRole(AriaRole.Button, new() { Name = "Unpin You: meet at five" }).ClickAsync();
        await Expect(bob.GetByText($"{aliceName} unpinned a message")).ToBeVisibleAsync();
        await Expect(bob.GetByRole(AriaRole.Region, new() { Name = "Pinned messages" })).ToBeHiddenAsync();
        await Expect(People.MessageOf(bob, "meet at five").GetByText("Pinned", new() { Exact = true })).ToBeHiddenAsync();
        await Expect(alicesPins).ToBeHiddenAsync();
    }
}
