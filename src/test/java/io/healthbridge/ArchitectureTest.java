package io.healthbridge;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules: no loop between packages, the canonical model stands alone, the management API is on top
 * and the simulator is reached only through the wiring.
 */
@AnalyzeClasses(packages = "io.healthbridge", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule noLoopBetweenPackages = slices().matching("io.healthbridge.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theCanonicalModelImportsNothingOfTheProject = classes().that()
            .resideInAPackage("io.healthbridge.event..").should().onlyDependOnClassesThat(
                    resideOutsideOfPackage("io.healthbridge..").or(resideInAPackage("io.healthbridge.event..")));

    @ArchTest
    static final ArchRule theManagementApiIsOnTop = classes().that().resideInAPackage("io.healthbridge.api..")
            .should().onlyHaveDependentClassesThat().resideInAnyPackage("io.healthbridge.api..",
                    "io.healthbridge.config..", "io.healthbridge");

    @ArchTest
    static final ArchRule theSimulatorIsReachedOnlyThroughTheWiring = classes().that()
            .resideInAPackage("io.healthbridge.simulator..").should().onlyHaveDependentClassesThat()
            .resideInAnyPackage("io.healthbridge.simulator..", "io.healthbridge.config..", "io.healthbridge");
}
