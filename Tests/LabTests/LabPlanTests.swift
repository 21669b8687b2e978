import Testing

@testable import Lab
@testable import Scenario

@Suite struct LabPlanTests {
    @Test func placeholder() {}
}
