namespace Chat.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class GroupTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task A_group_is_created_renamed_its_roles_and_members_changed_and_left_from_the_Details_panel()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var carol = People.NewName("carol");
        await fixture.Server.Client().SignUpAsync(carol);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, People.NewName("alice"));
        var bob = await People.SignUpAsync(bobContext, bobName);

        await alice.GetByRole(AriaRole.Button, new() { Name = "New group" }).ClickAsync();
        await alice.GetByLabel("Group name", new() { Exact = true }).FillAsync("Team");
        await alice.GetByLabel("Members (usernames, comma-separated)").FillAsync($"{bobName}, {carol}");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Expect(alice.GetByRole(AriaRole.Heading, new() { Name = "Team" })).ToBeVisibleAsync();
        await People.SendAsync(alice, "hi team");
        await People.Conversation(bob, "Team").ClickAsync();
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["hi team"]);

        await alice.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        var details = alice.GetByRole(AriaRole.Region, new() { Name = "Group details" });
        await details.GetByLabel("Group name").FillAsync("Renamed team");
        await details.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(bob.GetByRole(AriaRole.Heading, new() { Name = "Renamed team" })).ToBeVisibleAsync();
        await details.GetByLabel($"Role of {bobName}").SelectOptionAsync("admin");
        await Expect(details.Locator("li", new() { HasText = bobName }).Locator(".role")).ToHaveTextAsync("admin");
        await details.GetByRole(AriaRole.Button, new() { Name = $"Remove {carol}" }).ClickAsync();
        await Expect(details.GetByText(carol, new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(bob.GetByText($"removed {carol}")).ToBeVisibleAsync();

        await bob.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        await bob.GetByRole(AriaRole.Button, new() { Name = "Leave group" }).ClickAsync();
        await Expect(People.Conversation(bob, "Renamed team")).ToHaveCountAsync(0);
        await Expect(alice.GetByText($"{bobName} left")).ToBeVisibleAsync();
    }
}
